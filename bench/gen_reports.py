#!/usr/bin/env python3
"""Deterministic generator of realistic vulnerability reports for the intake benchmark.

    python3 bench/gen_reports.py --out DIR --n 1000000 [--seed 1]

Writes about half OSV, half SARIF:

* ``osv-NNNN.ndjson`` -- NDJSON files of 10,000 OSV 1.6 records (id, aliases [CVE-...],
  summary, details, affected packages on npm/PyPI/crates.io/Maven/Go with SEMVER/ECOSYSTEM
  ranges, CVSS_V3 severity, database_specific.cwe_ids, references, published/modified);
* ``sarif-NNNN.sarif`` -- SARIF 2.1.0 logs of (at most) 5,000 results, one run of one tool
  each (driver rules with CWE tags, results with ruleId, a 25-60 word message, a location,
  partialFingerprints.primaryLocationLineHash, sometimes a codeFlow).

About 20 % of the records repeat an earlier one:

* exact duplicates (~10 %): an earlier OSV record repeated verbatim (the same normalised
  content: the server answers ``duplicate``), an OSV record of an earlier CVE under another
  id with other text (joins that CVE's case by alias), or an earlier SARIF result repeated
  verbatim by the same tool in a later log (joins by its fingerprint);
* near duplicates (~10 %): an earlier SARIF result reworded in 2-3 words, with another
  fingerprint and line and no ids (joins only by text similarity: MinHash Jaccard >= 0.7 on
  word 3-shingles). Their true Jaccard similarity is computed here with the server's
  tokenisation and printed.

Unique reports never share an exact key (CVE, advisory id, fingerprint, CWE+file+line,
CWE+package+ranges) by construction, and their text is built from random identifiers so
that unrelated reports are textually dissimilar: the expected number of cases is the
number of unique reports.

Prints one JSON object with the counts (also written to DIR/.manifest.json: a hidden file,
which `bulwark ingest DIR` skips).

The OSV and the SARIF stream are independent (OSV records repeat only OSV records, SARIF
results only SARIF results): one seeded plan decides the kind of every record, then each
stream is generated from its own seeded generator, in two processes (--jobs 2, default) or
one after the other (--jobs 1). Same --seed and --n: byte-identical report files, whatever
--jobs (the manifest differs only in "seconds").
"""

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import sys
import time

OSV_PER_FILE = 10_000
SARIF_PER_FILE = 5_000
POOL = 20_000  # earlier unique records remembered per kind (reservoir) for duplicates

# Shares of the records (sum 1.0): about half OSV, half SARIF, ~10 % exact, ~10 % near.
P_OSV_UNIQUE = 0.45
P_SARIF_UNIQUE = 0.35
P_OSV_VERBATIM = 0.025
P_OSV_OTHER_TEXT = 0.025
P_SARIF_VERBATIM = 0.05
# rest (0.10): SARIF near duplicates

# --------------------------------------------------------------------------- vocabulary

VERBS = """parse decode encode read write load store copy move render format scan lex tokenize
compile resolve lookup fetch send recv handle process validate check verify normalize
sanitize escape unescape split join merge append insert update delete remove open close
flush alloc free resize grow shrink map unmap bind accept connect dispatch route serialize
deserialize unpack pack inflate deflate compress decompress hash sign import export
convert extract apply filter sort walk visit emit build init reset""".split()
NOUNS = """Header Chunk Frame Packet Buffer Record Entry Field Token Cookie Session Request
Response Message Payload Body Query Path Url Uri Host Name Attr Attribute Element Node Tree
Table Row Column Index Key Value Map List Array String Blob Image Pixel Glyph Font Page
Stream Segment Block Sector Inode Archive Member Manifest Config Option Param Argument
Template Macro Script Module Plugin Handler Callback Context State Cache Pool Queue Slot
Descriptor Handle Socket Channel Certificate Signature Digest Nonce Secret Credential
Password User Account Role Policy Rule Filter Pattern Regex Schema Document Section
Comment Label Tag Metadata Extension Property Version Offset Length Size Count Limit""".split()
SUFFIXES = "Ex Impl Internal Fast Safe V2 Unchecked Raw Lazy Async Sync Locked Once All Into From".split()

DIRS = """net http io fs core util parser codec crypto auth session storage db sql cache
image media font pdf xml json yaml archive zip compress render template ui api server
client proto rpc grpc ws mail dns tls ssl cert config plugin script vm runtime gc mem
alloc sched task queue log trace metrics admin upload export import report billing user
search index query graph cluster shard replica sync backup""".split()

WORDS1 = """fast json http yaml xml auth jwt crypto image pdf zip tar markdown template sql orm
redis mongo grpc proto socket cookie session upload path url query form mail smtp ldap
saml oauth cache log config env shell exec sandbox vm css html svg font csv excel toml ini
semver glob regex stream buffer byte bit date time uuid hash color chart graph tree dom
router proxy cors csrf helmet rate limit queue job worker cron task event bus pubsub
kafka amqp mqtt s3 blob storage fs archive gzip brotli lz4 zstd bzip png jpeg gif webp
tiff heif video audio midi ssh ftp sftp dns ip net tcp udp quic tls x509 pem asn1 der
ber protobuf thrift avro msgpack cbor bson ini dotenv i18n locale unicode emoji text
html5 sanitize escape diff patch merge git lint format pretty minify bundle""".split()
WORDS2 = """parser lite js kit core utils engine client server helper tools serializer loader
validator sanitizer builder reader writer codec decoder encoder toolkit framework lib sdk
api cli runtime adapter bridge wrapper plugin middleware handler manager service store
driver connector gateway proxy compiler renderer viewer converter extractor mapper
schema model types base common extra plus pro next ng rs py go""".split()
ORGS = """acme globex initech umbrella hooli vandelay stark wayne wonka tyrell cyberdyne
soylent aperture blackmesa massive oscorp pied monarch dunder gringotts nakatomi virtucon
contoso fabrikam northwind adventure wingtip tailspin litware proseware lucerne fourth
coffee alpine margie trey""".split()
SCOPES = ["@" + o for o in ORGS[:20]]

SOURCES = """the query string|an uploaded file|the Content-Type header|a JSON request body|the
Host header|a cookie value|a URL path segment|a form field|an environment variable|a
configuration file|a command-line argument|a message from the queue|a websocket frame|a
database row|the Referer header|an HTTP redirect target|a filename in the archive|an XML
attribute|a YAML anchor|a template variable|the Authorization header|a GraphQL
argument|a gRPC metadata value|an email subject line|a DNS response|a TLS SNI name""".replace("\n", " ").split("|")
ATTACKERS = ["an attacker", "a remote attacker", "an unauthenticated user", "a malicious client",
             "a low-privileged user", "an authenticated tenant", "a crafted peer", "a hostile server"]

# One entry per vulnerability class: CWE, rule names, sinks, impacts, safe alternatives.
CLASSES = [
    (89, "sql-injection", "SQL query built from user-controlled sources",
     ["executeQuery", "rawQuery", "cursor.execute", "db.Exec", "session.createQuery", "knex.raw"],
     ["read or modify arbitrary rows", "dump the credentials table", "bypass the login check"],
     ["a parameterized statement", "the query builder", "bound parameters"]),
    (79, "xss", "Cross-site scripting through reflected input",
     ["innerHTML", "document.write", "dangerouslySetInnerHTML", "res.send", "template.HTML", "Markup"],
     ["run script in the victim's browser", "steal the session cookie", "perform actions as the victim"],
     ["contextual output encoding", "textContent", "the auto-escaping renderer"]),
    (78, "command-injection", "Uncontrolled command line",
     ["exec", "system", "subprocess.Popen", "os.popen", "Runtime.exec", "child_process.exec"],
     ["run arbitrary shell commands", "execute code as the service account", "spawn a reverse shell"],
     ["an argument vector without a shell", "execFile", "shlex.quote"]),
    (22, "path-injection", "Uncontrolled data used in path expression",
     ["open", "readFile", "os.Open", "Files.newInputStream", "send_file", "fs.createReadStream"],
     ["read files outside the web root", "overwrite configuration files", "read the private key"],
     ["a canonicalized path check", "filepath.Clean with a prefix check", "safe_join"]),
    (787, "overflow-buffer", "Out-of-bounds write to a heap buffer",
     ["memcpy", "strcpy", "sprintf", "memmove", "strcat", "vsnprintf"],
     ["corrupt adjacent heap memory", "execute arbitrary code", "crash the process"],
     ["a bounds-checked copy", "snprintf with the buffer size", "a length check before the copy"]),
    (125, "out-of-bounds-read", "Out-of-bounds read past the end of a buffer",
     ["memcmp", "strlen", "read_u32", "get_unaligned", "ptr.offset", "slice::from_raw_parts"],
     ["disclose heap memory", "leak pointers that defeat ASLR", "crash the process"],
     ["a length check", "checked indexing", "a bounded reader"]),
    (416, "use-after-free", "Use of memory after it has been freed",
     ["free", "delete", "Release", "drop", "kfree", "g_free"],
     ["execute arbitrary code", "corrupt the allocator state", "crash the process"],
     ["clearing the pointer after free", "reference counting", "an owning smart pointer"]),
    (190, "integer-overflow", "Integer overflow in a size computation",
     ["malloc", "calloc", "realloc", "Vec::with_capacity", "new byte", "make"],
     ["allocate a short buffer and overflow it", "bypass the size limit", "exhaust memory"],
     ["checked arithmetic", "a size limit before multiplication", "saturating_mul"]),
    (502, "unsafe-deserialization", "Deserialization of untrusted data",
     ["pickle.loads", "ObjectInputStream.readObject", "yaml.load", "unserialize", "Marshal.load", "BinaryFormatter.Deserialize"],
     ["execute arbitrary code", "instantiate arbitrary classes", "run a gadget chain"],
     ["a safe loader", "an allow-list of classes", "a data-only format"]),
    (918, "ssrf", "Server-side request forgery",
     ["fetch", "urlopen", "http.Get", "HttpClient.send", "requests.get", "axios.get"],
     ["reach internal services", "read the cloud metadata endpoint", "scan the internal network"],
     ["an allow-list of hosts", "a resolver that blocks private ranges", "an egress proxy"]),
    (611, "xxe", "XML external entity expansion",
     ["DocumentBuilder.parse", "etree.fromstring", "XMLReader.parse", "SAXParser.parse", "xml.Unmarshal", "libxml_parse"],
     ["read local files", "perform server-side requests", "exhaust memory with entity expansion"],
     ["disabling DTDs", "defusedxml", "a hardened parser factory"]),
    (352, "csrf", "Missing cross-site request forgery protection",
     ["app.post", "router.HandleFunc", "@PostMapping", "def post", "Route::post", "server.route"],
     ["change the victim's email address", "transfer funds as the victim", "add an administrator"],
     ["an anti-CSRF token", "SameSite cookies", "an origin check"]),
    (287, "missing-authentication", "Authentication bypass on a sensitive route",
     ["adminHandler", "exportAll", "deleteUser", "resetPassword", "impersonate", "debugDump"],
     ["act as any user", "call administrative endpoints", "read every tenant's data"],
     ["the authentication middleware", "a session check", "a signed token check"]),
    (862, "missing-authorization", "Missing authorization check",
     ["getInvoice", "downloadReport", "updateProfile", "listMembers", "getDocument", "patchOrder"],
     ["read other tenants' records", "modify objects they do not own", "escalate privileges"],
     ["an ownership check", "the policy engine", "a scoped query"]),
    (327, "weak-cryptography", "Use of a broken or risky cryptographic algorithm",
     ["DES", "MD5", "RC4", "SHA1", "ECB mode", "Math.random"],
     ["recover the plaintext", "forge signatures", "predict tokens"],
     ["AES-GCM", "SHA-256", "a CSPRNG"]),
    (798, "hardcoded-credentials", "Hard-coded credentials",
     ["password", "apiKey", "secretKey", "privateKey", "token", "connectionString"],
     ["log in with the embedded password", "call the payment API", "decrypt stored data"],
     ["a secret manager", "an environment variable", "a key vault reference"]),
    (400, "resource-exhaustion", "Uncontrolled resource consumption",
     ["readAll", "ioutil.ReadAll", "json.loads", "re.compile", "Buffer.concat", "decompress"],
     ["exhaust memory", "pin a CPU core", "make the service unavailable"],
     ["a size limit", "a timeout", "a streaming parser"]),
    (1321, "prototype-pollution", "Prototype pollution through a recursive merge",
     ["merge", "extend", "set", "defaultsDeep", "assign", "unflatten"],
     ["modify Object.prototype", "bypass property checks", "achieve code execution through a gadget"],
     ["a null-prototype object", "a key deny-list", "Map instead of objects"]),
    (601, "open-redirect", "Open redirect to an untrusted site",
     ["redirect", "res.redirect", "sendRedirect", "HttpResponseRedirect", "http.Redirect", "location.assign"],
     ["send users to a phishing page", "leak OAuth codes", "bypass the referer check"],
     ["a relative-path check", "an allow-list of targets", "url_has_allowed_host_and_scheme"]),
    (1333, "redos", "Inefficient regular expression",
     ["RegExp", "re.match", "Pattern.compile", "regexp.MustCompile", "preg_match", "Regex::new"],
     ["stall the event loop", "pin a CPU core", "deny service to every user"],
     ["a linear-time regex engine", "an input length limit", "a simpler pattern"]),
    (476, "null-dereference", "NULL pointer dereference",
     ["strcmp", "->next", "->data", "unwrap", "deref", "->len"],
     ["crash the server", "terminate the worker", "deny service"],
     ["a NULL check", "an early return", "an Option match"]),
    (94, "code-injection", "Code injection through dynamic evaluation",
     ["eval", "Function", "exec", "ScriptEngine.eval", "vm.runInContext", "instance_eval"],
     ["run arbitrary code", "escape the template sandbox", "take over the process"],
     ["a safe expression parser", "a sandboxed interpreter", "literal_eval"]),
    (209, "information-exposure", "Information exposure through an error message",
     ["printStackTrace", "res.json(err)", "traceback.format_exc", "fmt.Fprintf", "console.error", "echo $e"],
     ["learn internal paths", "read database connection strings", "fingerprint library versions"],
     ["a generic error page", "server-side logging only", "an error id"]),
    (770, "unbounded-allocation", "Allocation of resources without limits",
     ["Vec::with_capacity", "make([]byte", "new byte", "Array", "bytearray", "malloc"],
     ["exhaust memory", "trigger the OOM killer", "crash the process"],
     ["a maximum size", "incremental growth", "a quota"]),
    (295, "certificate-validation", "Improper certificate validation",
     ["InsecureSkipVerify", "verify=False", "TrustAllCerts", "rejectUnauthorized", "CERT_NONE", "danger_accept_invalid_certs"],
     ["intercept traffic", "impersonate the upstream server", "steal credentials in transit"],
     ["the system trust store", "certificate pinning", "hostname verification"]),
]

# Tools: driver name, version, rule-id style, languages (file extensions).
TOOLS = [
    ("CodeQL", "2.19.3", "{lang}/{slug}", ["js", "py", "java", "go", "cpp", "cs", "rb"]),
    ("Semgrep OSS", "1.97.0", "{lang}.lang.security.{slug}", ["js", "py", "java", "go", "rb"]),
    ("Snyk Code", "1.1294.0", "{lang}/{Slug}", ["js", "py", "java", "go", "cs"]),
    ("gosec", "2.21.4", "G{num}", ["go"]),
    ("Bandit", "1.7.10", "B{num}", ["py"]),
    ("SpotBugs", "4.8.6", "SECURITY_{SLUG}", ["java"]),
    ("Frontier Model Audit", "0.9.2", "fma-{slug}", ["c", "cpp", "rs", "go", "py", "js", "java"]),
    ("AIxCC CRS", "2024.8", "crs.{slug}", ["c", "cpp", "java"]),
]
EXT_LANG = {"js": "js", "py": "py", "java": "java", "go": "go", "cpp": "cpp", "c": "cpp",
            "cs": "csharp", "rb": "ruby", "rs": "rust"}
ECOSYSTEMS = ["npm", "PyPI", "crates.io", "Maven", "Go"]
CVSS_AV = ["N", "N", "N", "A", "L"]
CVSS_AC = ["L", "L", "H"]
CVSS_PR = ["N", "N", "L", "H"]
CVSS_UI = ["N", "N", "R"]
CVSS_S = ["U", "U", "C"]
CIA = ["H", "H", "L", "N"]
CVSS_VECTORS = [  # every combination, weighted by the lists above
    f"CVSS:3.1/AV:{av}/AC:{ac}/PR:{pr}/UI:{ui}/S:{sc}/C:{c}/I:{i}/A:{a}"
    for av in CVSS_AV for ac in CVSS_AC for pr in CVSS_PR for ui in CVSS_UI
    for sc in CVSS_S for c in CIA for i in CIA for a in CIA
]

# Sentences of descriptions and messages; {slots} are filled per report.
CLAUSES = [
    "The value of {var} read from {src} in {func} reaches {sink} without validation.",
    "{func} in {file} passes {var} directly to {sink} at line {line2}.",
    "When {who} controls {src}, the crafted input flows into {var} and then into {sink}.",
    "This allows {who} to {impact} by sending a crafted request to {other}.",
    "The length check in {other} compares {var} against {v2} but {func} later uses the unchecked value.",
    "{func} copies {var} into a fixed-size buffer of {n} bytes before calling {sink}.",
    "The bug was found by fuzzing {other} for {hours} hours with a corpus of {inputs} inputs.",
    "Because {v2} is never reset, a second call to {other} reuses state from the first request.",
    "A fix should use {fix} before {sink} is called in {func}.",
    "The issue was reported after {who} triggered it through {other} which returns {v2} unchanged.",
    "Data from {src} is stored in {v2} and also reaches {sink} via {other}.",
    "Only builds with {feature} support enabled call {func} on this path.",
]
CLAUSES_PRODUCT = CLAUSES + [
    "{product} versions before the fix are affected when {func} handles {src}.",
    "Applications that call {func} from {product} with untrusted {var} are exposed.",
]
BUFFER_SIZES = [16, 32, 64, 128, 256, 512, 1024, 4096, 65535]
KINDS = ["Reader", "Writer", "Handler", "Parser", "Service", "Util", "Codec", "Manager"]

# Rewording for near duplicates: word -> synonyms (same slot, one word each).
SYNONYMS = {
    "attacker": ["adversary", "intruder"], "crafted": ["malicious", "forged", "specially-built"],
    "allows": ["lets", "permits", "enables"], "reaches": ["hits", "enters"],
    "without": ["minus", "lacking"], "validation": ["checking", "sanitisation", "verification"],
    "value": ["content", "data"], "fixed-size": ["static", "stack"], "later": ["afterwards", "subsequently"],
    "can": ["may", "could"], "buffer": ["array", "region"], "reported": ["observed", "flagged"],
    "found": ["discovered", "identified"], "input": ["data", "content"], "passed": ["handed", "forwarded"],
    "unchecked": ["unvalidated", "unsanitised"], "directly": ["straight", "verbatim"],
    "controls": ["supplies", "influences"], "because": ["since", "as"], "triggers": ["causes", "provokes"],
    "returns": ["yields", "gives"], "uses": ["employs", "consumes"], "check": ["test", "guard"],
    "missing": ["absent", "lacking"], "call": ["invocation", "use"], "reads": ["loads", "takes"],
    "which": ["that", "and"], "then": ["next", "afterwards"], "when": ["if", "whenever"],
    "before": ["ahead", "prior"], "should": ["must", "ought"], "used": ["employed", "consumed"],
    "user": ["caller", "client"], "data": ["bytes", "content"], "flows": ["travels", "propagates"],
    "into": ["to", "inside"], "length": ["size", "count"], "also": ["additionally", "further"],
}

# --------------------------------------------------------------------------- helpers

TOKEN = re.compile(r"[^\W_]+")


def shingles(text):
    """The server's word 3-shingles: lower-cased runs of letters and digits."""
    words = TOKEN.findall(text.lower())
    return {(words[i], words[i + 1], words[i + 2]) for i in range(len(words) - 2)}


def jaccard(a, b):
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


_TAIL = {}


def p_merge(j):
    """Probability that Bulwark's 64-hash MinHash / 16x4 LSH joins a pair of true Jaccard j:
    some band shared (1-(1-j^4)^16) and at least 45 of 64 positions equal (estimate >= 0.7)."""
    key = round(j, 3)
    if key not in _TAIL:
        tail = sum(math.comb(64, k) * key ** k * (1 - key) ** (64 - k) for k in range(45, 65))
        _TAIL[key] = (1 - (1 - key ** 4) ** 16) * tail
    return _TAIL[key]


class FastRandom:
    """random.Random's choice/randrange/sample/shuffle on top of random(): several times
    faster than the library's exact-integer versions, and just as deterministic."""

    def __init__(self, seed):
        base = random.Random(seed)
        rnd = self.random = base.random
        self.getrandbits = base.getrandbits
        # Closures, not methods: the two hottest calls of the generator.
        self.choice = lambda seq: seq[int(rnd() * len(seq))]
        self.randrange = lambda a, b: a + int(rnd() * (b - a))

    def sample(self, seq, k):
        picked = set()
        while len(picked) < k:
            picked.add(int(self.random() * len(seq)))
        return [seq[i] for i in sorted(picked, key=lambda _: self.random())]

    def shuffle(self, x):
        rnd = self.random
        for i in range(len(x) - 1, 0, -1):
            j = int(rnd() * (i + 1))
            x[i], x[j] = x[j], x[i]


class Slots(dict):
    """Template slots, each drawn the first time a sentence uses it (so that a slot shared
    by two sentences has one value, and unused slots cost nothing)."""

    def __init__(self, gen, cls, **fixed):
        super().__init__(fixed)
        self.gen = gen
        self.cls = cls

    def __missing__(self, name):
        value = self[name] = SLOT_MAKERS[name](self.gen, self.cls)
        return value


# How each slot is drawn, from the generator and the vulnerability class.
SLOT_MAKERS = {
    "sink": lambda g, c: g.rng.choice(c[3]),
    "impact": lambda g, c: g.rng.choice(c[4]),
    "fix": lambda g, c: g.rng.choice(c[5]),
    "src": lambda g, c: g.rng.choice(SOURCES),
    "who": lambda g, c: g.rng.choice(ATTACKERS),
    "other": lambda g, c: g.ident(),
    "v2": lambda g, c: g.var(),
    "n": lambda g, c: g.rng.choice(BUFFER_SIZES),
    "line2": lambda g, c: g.rng.randrange(10, 3000),
    "hours": lambda g, c: g.rng.randrange(2, 72),
    "inputs": lambda g, c: g.rng.randrange(50, 5000),
    "feature": lambda g, c: g.rng.choice(WORDS1),
}


class Gen:
    def __init__(self, seed, out):
        self.rng = FastRandom(seed)
        self.out = out
        self.osv_lines = []
        self.osv_files = 0
        self.sarif_files = 0
        self.tool_buffers = {}  # tool index -> (root, [result json])
        self.osv_pool = []  # (line, cve, affected_json, cwe, eco, name)
        self.sarif_pool = []  # (tool, rule index, message, rel uri, flow json or "", result json)
        self.seen_osv = 0
        self.seen_sarif = 0
        self.used_locs = set()
        self.sarif_repeats = set()  # (tool, index in its log, result) of verbatim repeats
        self.used_pkgs = set()
        self.osv_counter = 0
        self.cve_counter = 0
        self.counts = {"osv_unique": 0, "sarif_unique": 0, "osv_verbatim": 0, "osv_other_text": 0,
                       "sarif_verbatim": 0, "sarif_verbatim_same_index": 0, "sarif_near": 0}
        self.near_j = []
        self.near_expected_merges = 0.0
        self.near_merge_var = 0.0  # variance of the number of near merges (sum of p(1-p))
        self.tool_rules = [self._rules_for(t) for t in range(len(TOOLS))]
        self.tool_rules_json = [self._rules_json(t) for t in range(len(TOOLS))]

        # Pools of identifiers and paths, drawn once (a single pick per use later keeps the
        # generator fast; 2^16 functions/variables and 2^14 paths per language keep unrelated
        # reports' text apart).
        self.idents = [self._ident() for _ in range(1 << 16)]
        self.vars = [self._var() for _ in range(1 << 16)]
        self.paths = {ext: [self._rel_path(ext) for _ in range(1 << 14)] for ext in EXT_LANG}

    # ---------------------------------------------------------------- identifiers
    def ident(self):
        return self.rng.choice(self.idents)

    def var(self):
        return self.rng.choice(self.vars)

    def rel_path(self, ext):
        return self.rng.choice(self.paths[ext])

    def _ident(self):
        r = self.rng
        name = r.choice(VERBS) + r.choice(NOUNS)
        if r.random() < 0.5:
            name += r.choice(NOUNS)
        if r.random() < 0.15:
            name += r.choice(SUFFIXES)
        return name

    def _var(self):
        r = self.rng
        return r.choice(NOUNS).lower() + r.choice(NOUNS) + (str(r.randrange(2, 99)) if r.random() < 0.2 else "")

    def _rel_path(self, ext):
        r = self.rng
        d = "/".join(r.sample(DIRS, r.randrange(1, 4)))
        parts = (r.choice(NOUNS), r.choice(NOUNS), r.choice(KINDS))
        if ext in ("py", "rb", "go", "rs", "c", "cpp"):
            stem = "_".join(parts).lower()
        else:
            stem = "".join(parts)
        top = {"java": "src/main/java/com/" + r.choice(ORGS), "go": "internal", "py": r.choice(WORDS1)}.get(ext, "src")
        return f"{top}/{d}/{stem}.{ext}"

    def version(self, major_max=12):
        r = self.rng
        return f"{r.randrange(0, major_max)}.{r.randrange(0, 30)}.{r.randrange(0, 40)}"

    def package(self, eco):
        r = self.rng
        base = r.choice(WORDS1) + "-" + r.choice(WORDS2)
        if r.random() < 0.35:
            base = r.choice(WORDS1) + "-" + base
        if eco == "npm":
            return (r.choice(SCOPES) + "/" + base) if r.random() < 0.2 else base
        if eco == "PyPI":
            return base
        if eco == "crates.io":
            return base.replace("-", "_") if r.random() < 0.3 else base
        if eco == "Maven":
            return f"org.{r.choice(ORGS)}.{r.choice(WORDS1)}:{base}"
        return f"github.com/{r.choice(ORGS)}/{base}" + ("/v2" if r.random() < 0.2 else "")

    def hexs(self, n):
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    # ---------------------------------------------------------------- text
    def clauses(self, cls, func, file_, var, k, product=None):
        """k realistic sentences about one finding, in random order, each with several
        random identifiers (only the sentences used are formatted)."""
        r = self.rng
        templates = CLAUSES_PRODUCT if product else CLAUSES
        order = list(range(len(templates)))
        r.shuffle(order)
        slots = Slots(self, cls, func=func, file=file_, var=var, product=product)
        return [templates[i].format_map(slots) for i in order[:k]]

    def message(self, cls, func, file_, var):
        target = self.rng.randrange(25, 48)
        out, words = [], 0
        for c in self.clauses(cls, func, file_, var, 6):
            out.append(c)
            words += c.count(" ") + 1
            if words >= target:
                break
        text = " ".join(out)
        ws = text.split(" ")
        if len(ws) > 60:
            text = " ".join(ws[:60]).rstrip(".,") + "."
        return text

    def reword(self, text, title, flow_text):
        """Replaces 2-3 words with synonyms, preferring words close to each other; retries
        a few times to keep the true Jaccard similarity at or above 0.75 when it can."""
        r = self.rng
        words = text.split(" ")
        cand = [i for i, w in enumerate(words) if w.lower().strip(".,") in SYNONYMS]
        best = None
        base = title + " " + text + flow_text
        for attempt in range(6):
            k = r.choice([2, 3]) if attempt < 3 else 2
            if len(cand) >= k:
                if attempt >= 2:  # contiguous-ish: k candidates from a small window
                    s = r.randrange(0, len(cand) - k + 1)
                    picks = cand[s:s + k]
                else:
                    picks = r.sample(cand, k)
            else:
                picks = cand[:] + r.sample(range(len(words)), k - len(cand))
            new = words[:]
            for i in picks:
                w = new[i]
                core = w.strip(".,")
                tail = w[len(core):]
                syn = SYNONYMS.get(core.lower())
                new[i] = (r.choice(syn) if syn else r.choice(["the", "this", "that"])) + tail
            t = " ".join(new)
            j = jaccard(base, title + " " + t + flow_text)
            if best is None or j > best[1]:
                best = (t, j)
            if j >= 0.75:
                break
        return best

    # ---------------------------------------------------------------- OSV
    def next_cve(self):
        """A CVE id never used before: 11 years, 4-5 digit numbers in scrambled order."""
        self.cve_counter += 1
        c = self.cve_counter
        year, seq = 2015 + c % 11, c // 11
        number = 1000 + (seq * 7919) % 98_999 if seq < 98_999 else 100_000 + seq
        return f"CVE-{year}-{number}", year

    def osv_id(self, eco, year):
        self.osv_counter += 1
        c = self.osv_counter
        if eco == "crates.io":
            return f"RUSTSEC-{year}-{c:06d}"
        if eco == "Go":
            return f"GO-{year}-{c:06d}"
        if eco == "PyPI" and c % 2:
            return f"PYSEC-{year}-{c}"
        alpha = "23456789cfghjmpqrvwx"
        x = (c * 1_000_000_007 + 12345) % 20 ** 12
        s = ""
        for _ in range(12):
            x, d = divmod(x, 20)
            s += alpha[d]
        return f"GHSA-{s[0:4]}-{s[4:8]}-{s[8:12]}"

    def osv_text(self, cls, eco, name):
        r = self.rng
        func = self.ident()
        file_ = self.rel_path({"npm": "js", "PyPI": "py", "crates.io": "rs", "Maven": "java", "Go": "go"}[eco])
        short = name.rsplit("/", 1)[-1].split(":")[-1]
        summary = f"{cls[2]} in {short} {func}"
        details = " ".join(self.clauses(cls, func, file_, self.var(), r.randrange(3, 6), product=short))
        return summary, details

    def osv_record(self, cls, cve, year, eco, name, affected, published, id_eco=None):
        r = self.rng
        cwe = cls[0]
        oid = self.osv_id(id_eco or eco, year)
        summary, details = self.osv_text(cls, eco, name)
        vec = r.choice(CVSS_VECTORS)
        sev = r.choice(["LOW", "MODERATE", "HIGH", "CRITICAL"])
        org = r.choice(ORGS)
        short = name.rsplit("/", 1)[-1].split(":")[-1]
        modified = published[:5] + f"{int(published[5:7]) % 12 + 1:02d}" + published[7:]
        return (
            f'{{"schema_version":"1.6.0","id":"{oid}","modified":"{modified}","published":"{published}",'
            f'"aliases":["{cve}"],"summary":"{summary}","details":"{details}",'
            f'"severity":[{{"type":"CVSS_V3","score":"{vec}"}}],"affected":[{affected}],'
            f'"references":[{{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/{cve}"}},'
            f'{{"type":"FIX","url":"https://github.com/{org}/{short}/commit/{self.hexs(40)}"}},'
            f'{{"type":"PACKAGE","url":"https://github.com/{org}/{short}"}}],'
            f'"database_specific":{{"cwe_ids":["CWE-{cwe}"],"severity":"{sev}","github_reviewed":true}}}}'
        )

    def osv_unique(self):
        r = self.rng
        cls = r.choice(CLASSES)
        eco = r.choice(ECOSYSTEMS)
        while True:
            name = self.package(eco)
            intro = "0" if r.random() < 0.3 else self.version()
            fixed = self.version(40) if intro == "0" else intro.rsplit(".", 1)[0] + f".{int(intro.rsplit('.', 1)[1]) + r.randrange(1, 20)}"
            key = f"{cls[0]}|{eco}|{name.lower().replace('_', '-')}|{intro}|{fixed}"
            if key not in self.used_pkgs:
                self.used_pkgs.add(key)
                break
        kind = "ECOSYSTEM" if eco in ("PyPI", "Maven") else "SEMVER"
        affected = (f'{{"package":{{"ecosystem":"{eco}","name":"{name}"}},'
                    f'"ranges":[{{"type":"{kind}","events":[{{"introduced":"{intro}"}},{{"fixed":"{fixed}"}}]}}]}}')
        cve, year = self.next_cve()
        published = f"{year}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T{r.randrange(0, 24):02d}:{r.randrange(0, 60):02d}:00Z"
        line = self.osv_record(cls, cve, year, eco, name, affected, published)
        self.remember(self.osv_pool, "seen_osv", (line, cve, year, affected, cls, eco, name, published))
        self.counts["osv_unique"] += 1
        self.emit_osv(line)

    def osv_verbatim(self):
        self.counts["osv_verbatim"] += 1
        self.emit_osv(self.rng.choice(self.osv_pool)[0])

    def osv_other_text(self):
        _, cve, year, affected, cls, eco, name, published = self.rng.choice(self.osv_pool)
        self.counts["osv_other_text"] += 1
        # Another database's advisory (a GHSA id) for the same CVE and package, other text.
        self.emit_osv(self.osv_record(cls, cve, year, eco, name, affected, published, id_eco="npm"))

    def emit_osv(self, line):
        self.osv_lines.append(line)
        if len(self.osv_lines) == OSV_PER_FILE:
            self.flush_osv()

    def flush_osv(self):
        if not self.osv_lines:
            return
        path = os.path.join(self.out, f"osv-{self.osv_files:04d}.ndjson")
        with open(path, "w") as f:
            f.write("\n".join(self.osv_lines))
            f.write("\n")
        self.osv_files += 1
        self.osv_lines = []

    # ---------------------------------------------------------------- SARIF
    def _rules_for(self, t):
        name, _, style, langs = TOOLS[t]
        rng = random.Random(1000 + t)  # fixed per tool, independent of --seed
        classes = rng.sample(CLASSES, min(len(CLASSES), rng.randrange(14, 22)))
        rules = []
        for i, cls in enumerate(classes):
            lang = EXT_LANG[rng.choice(langs)]
            rid = style.format(lang=lang, slug=cls[1], Slug=cls[1].title().replace("-", ""),
                               SLUG=cls[1].upper().replace("-", "_"), num=101 + i * 7)
            rules.append((rid, cls))
        return rules

    def _rules_json(self, t):
        out = []
        for rid, cls in self.tool_rules[t]:
            sev = 4.0 + (cls[0] % 60) / 10
            out.append(
                f'{{"id":"{rid}","name":"{cls[1].title().replace("-", "")}",'
                f'"shortDescription":{{"text":"{cls[2]}"}},'
                f'"fullDescription":{{"text":"{cls[2]}. Untrusted data reaching a sensitive operation."}},'
                f'"defaultConfiguration":{{"level":"error"}},'
                f'"helpUri":"https://cwe.mitre.org/data/definitions/{cls[0]}.html",'
                f'"properties":{{"tags":["security","external/cwe/cwe-{cls[0]:03d}"],"security-severity":"{sev:.1f}","precision":"high"}}}}'
            )
        return ",".join(out)

    def tool_buffer(self, t):
        """The results of tool t's log being filled. Each tool scans one code base (its
        checkout root is the same in all its logs), so a repeated result is the same file
        and line."""
        buf = self.tool_buffers.get(t)
        if buf is None:
            root = f"file:///home/runner/work/{ORGS[t]}-{WORDS1[t]}/"
            buf = (root, [])
            self.tool_buffers[t] = buf
        return buf

    def flow_json(self, root, uri, line, func, var):
        r = self.rng
        steps, frames = [], []
        ln = max(1, line - r.randrange(5, 200))
        for k in range(r.randrange(2, 5)):
            f = func if k == 0 else self.ident()
            frames.append(f"{root}{uri}:{ln} {f}")
            steps.append(
                f'{{"location":{{"physicalLocation":{{"artifactLocation":{{"uri":"{uri}","uriBaseId":"%SRCROOT%"}},'
                f'"region":{{"startLine":{ln}}}}},"logicalLocations":[{{"fullyQualifiedName":"{f}"}}],'
                f'"message":{{"text":"{var} flows into {f}"}}}}}}'
            )
            ln += r.randrange(1, 60)
        # The stack trace the server reads from it: "uri:line function" a step.
        text = " " + "\n".join(frames)
        return ',"codeFlows":[{"threadFlows":[{"locations":[' + ",".join(steps) + "]}]}]", text

    def result_json(self, rid, ridx, message, uri, line, fp, flow):
        return (
            f'{{"ruleId":"{rid}","ruleIndex":{ridx},"level":"error","message":{{"text":"{message}"}},'
            f'"locations":[{{"physicalLocation":{{"artifactLocation":{{"uri":"{uri}","uriBaseId":"%SRCROOT%"}},'
            f'"region":{{"startLine":{line},"startColumn":{1 + line % 37}}}}}}}],'
            f'"partialFingerprints":{{"primaryLocationLineHash":"{fp}:1"}}{flow}}}'
        )

    def fresh_line(self, root, uri):
        r = self.rng
        while True:
            line = r.randrange(1, 4000)
            key = f"{root}{uri}:{line}"
            if key not in self.used_locs:
                self.used_locs.add(key)
                return line

    def sarif_unique(self):
        r = self.rng
        t = r.randrange(0, len(TOOLS))
        root, _ = self.tool_buffer(t)
        ridx = r.randrange(0, len(self.tool_rules[t]))
        rid, cls = self.tool_rules[t][ridx]
        ext = r.choice(TOOLS[t][3])
        uri = self.rel_path(ext)
        line = self.fresh_line(root, uri)
        func, var = self.ident(), self.var()
        message = self.message(cls, func, uri, var)
        flow, flow_text = self.flow_json(root, uri, line, func, var) if r.random() < 0.3 else ("", "")
        res = self.result_json(rid, ridx, message, uri, line, self.hexs(16), flow)
        pos = self.emit_sarif(t, res)
        self.remember(self.sarif_pool, "seen_sarif", (t, ridx, message, uri, flow, flow_text, res, pos))
        self.counts["sarif_unique"] += 1

    def sarif_verbatim(self):
        t, *_, res, pos = self.rng.choice(self.sarif_pool)
        self.counts["sarif_verbatim"] += 1
        # The source id is `tool:rule#index`: a repeat is the same normalised report (the
        # server answers duplicate) when the same result already went out at the same index
        # of one of the tool's logs -- the original's index or an earlier repeat's.
        key = (t, self.emit_sarif(t, res), res)
        if key == (t, pos, res) or key in self.sarif_repeats:
            self.counts["sarif_verbatim_same_index"] += 1
        else:
            self.sarif_repeats.add(key)

    def sarif_near(self):
        r = self.rng
        t, ridx, message, uri, flow, flow_text, _, _ = r.choice(self.sarif_pool)
        rid, cls = self.tool_rules[t][ridx]
        root, _ = self.tool_buffer(t)
        line = self.fresh_line(root, uri)
        text, j = self.reword(message, cls[2], flow_text)
        self.near_j.append(j)
        p = p_merge(j)
        self.near_expected_merges += p
        self.near_merge_var += p * (1 - p)
        self.counts["sarif_near"] += 1
        self.emit_sarif(t, self.result_json(rid, ridx, text, uri, line, self.hexs(16), flow))

    def emit_sarif(self, t, res):
        """Adds a result to tool t's log; returns its index there."""
        root, results = self.tool_buffer(t)
        results.append(res)
        if len(results) == SARIF_PER_FILE:
            self.flush_sarif(t)
        return len(results) - 1

    def flush_sarif(self, t):
        root, results = self.tool_buffers.pop(t, (None, []))
        if not results:
            return
        name, version, _, _ = TOOLS[t]
        path = os.path.join(self.out, f"sarif-{self.sarif_files:04d}.sarif")
        with open(path, "w") as f:
            f.write(
                '{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[{'
                f'"tool":{{"driver":{{"name":"{name}","version":"{version}","informationUri":"https://example.org/{name.replace(" ", "-").lower()}",'
                f'"rules":[{self.tool_rules_json[t]}]}}}},'
                f'"originalUriBaseIds":{{"%SRCROOT%":{{"uri":"{root}"}}}},'
                '"results":[\n'
            )
            f.write(",\n".join(results))
            f.write("\n]}]}\n")
        self.sarif_files += 1

    # ---------------------------------------------------------------- driver
    def remember(self, pool, seen_attr, item):
        """Reservoir sampling: every earlier unique record is equally likely to be repeated."""
        seen = getattr(self, seen_attr) + 1
        setattr(self, seen_attr, seen)
        if len(pool) < POOL:
            pool.append(item)
        else:
            k = self.rng.randrange(0, seen)
            if k < POOL:
                pool[k] = item

    def run(self, kinds):
        """Generates one record per kind: the OSV kinds or the SARIF kinds of the plan."""
        act = {OSV_UNIQUE: self.osv_unique, OSV_VERBATIM: self.osv_verbatim,
               OSV_OTHER_TEXT: self.osv_other_text, SARIF_UNIQUE: self.sarif_unique,
               SARIF_VERBATIM: self.sarif_verbatim, SARIF_NEAR: self.sarif_near}
        for kind in kinds:
            if kind in (OSV_VERBATIM, OSV_OTHER_TEXT) and not self.osv_pool:
                kind = OSV_UNIQUE
            elif kind in (SARIF_VERBATIM, SARIF_NEAR) and not self.sarif_pool:
                kind = SARIF_UNIQUE
            act[kind]()
        self.flush_osv()
        for t in sorted(self.tool_buffers):
            self.flush_sarif(t)
        return (self.counts, self.near_j, self.near_expected_merges, self.near_merge_var,
                self.osv_files, self.sarif_files)


OSV_UNIQUE, OSV_VERBATIM, OSV_OTHER_TEXT, SARIF_UNIQUE, SARIF_VERBATIM, SARIF_NEAR = range(6)


def plan(seed, n):
    """The kind of each record, in order, split into the OSV and the SARIF stream (they are
    independent: OSV records repeat only OSV records, SARIF results only SARIF results)."""
    rnd = random.Random(seed).random
    bounds = []
    total = 0.0
    for kind, p in ((OSV_UNIQUE, P_OSV_UNIQUE), (SARIF_UNIQUE, P_SARIF_UNIQUE),
                    (OSV_VERBATIM, P_OSV_VERBATIM), (OSV_OTHER_TEXT, P_OSV_OTHER_TEXT),
                    (SARIF_VERBATIM, P_SARIF_VERBATIM)):
        total += p
        bounds.append((total, kind))
    osv, sarif = bytearray(), bytearray()
    for _ in range(n):
        x = rnd()
        kind = next((k for b, k in bounds if x < b), SARIF_NEAR)
        (osv if kind <= OSV_OTHER_TEXT else sarif).append(kind)
    return osv, sarif


_STREAMS = {}


def generate_stream(job):
    """Generates one stream (run in its own process)."""
    name, seed, out = job
    return Gen(f"{seed}/{name}", out).run(_STREAMS[name])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="processes: 2 (OSV and SARIF side by side) or 1")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    _STREAMS["osv"], _STREAMS["sarif"] = plan(args.seed, args.n)
    jobs = [("osv", args.seed, args.out), ("sarif", args.seed, args.out)]
    if args.jobs > 1:
        # The two streams in two processes (fork: they inherit the plan).
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map(generate_stream, jobs)
    else:
        results = [generate_stream(job) for job in jobs]
    c = {k: results[0][0][k] + results[1][0][k] for k in results[0][0]}
    near_j = results[0][1] + results[1][1]
    near_expected_merges = results[0][2] + results[1][2]
    near_merge_sd = math.sqrt(results[0][3] + results[1][3])
    unique = c["osv_unique"] + c["sarif_unique"]
    exact = c["osv_verbatim"] + c["osv_other_text"] + c["sarif_verbatim"]
    near = c["sarif_near"]
    js = sorted(near_j)
    manifest = {
        "n": args.n,
        "seed": args.seed,
        "unique": unique,
        "exact_dups": exact,
        "near_dups": near,
        "osv_records": c["osv_unique"] + c["osv_verbatim"] + c["osv_other_text"],
        "sarif_results": c["sarif_unique"] + c["sarif_verbatim"] + near,
        "breakdown": c,
        # What the server should answer: verbatim OSV repeats are content duplicates; every
        # other repeat is a new report of an existing case.
        "expected_duplicates": c["osv_verbatim"] + c["sarif_verbatim_same_index"],
        "expected_accepted": args.n - c["osv_verbatim"] - c["sarif_verbatim_same_index"],
        "expected_cases": unique,
        "near_jaccard": {
            "min": round(js[0], 3) if js else None,
            "p10": round(js[len(js) // 10], 3) if js else None,
            "median": round(js[len(js) // 2], 3) if js else None,
            "below_0_7": sum(1 for j in js if j < 0.7),
        },
        # Near duplicates MinHash (64 hashes, estimate >= 0.7) and LSH (16 bands of 4) are
        # expected to join, given each pair's true Jaccard similarity; the rest open cases.
        "expected_near_merges_minhash": round(near_expected_merges),
        "expected_cases_minhash": unique + near - round(near_expected_merges),
        # Standard deviation of the number of near merges (independent pairs); see
        # bench/intake_bench.sh for the tolerance it derives from it.
        "near_merge_sd": round(near_merge_sd, 1),
        "files": {"osv": results[0][4], "sarif": results[1][5]},
        "seconds": round(time.time() - started, 1),
    }
    with open(os.path.join(args.out, ".manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
