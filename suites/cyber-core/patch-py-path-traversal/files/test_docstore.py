"""Functional tests of docstore (run: python3 test_docstore.py)."""
import unittest

import docstore


class DocstoreTest(unittest.TestCase):
    def test_reads_documents(self):
        self.assertEqual(docstore.read_document("welcome.txt"), b"Welcome to the documentation store.\n")
        self.assertTrue(docstore.read_document("guides/setup.md").startswith(b"# Setup"))

    def test_lists_documents(self):
        self.assertEqual(docstore.list_documents(), ["guides/setup.md", "welcome.txt"])

    def test_missing_document(self):
        with self.assertRaises(FileNotFoundError):
            docstore.read_document("nope.txt")


if __name__ == "__main__":
    unittest.main()
