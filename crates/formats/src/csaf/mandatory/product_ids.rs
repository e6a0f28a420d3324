//! Tests 6.1.1–6.1.5: every product and product group id that is referred
//! to is defined, once, and relationships do not define products in a circle.

use std::collections::{HashMap, HashSet};

use crate::csaf::document::CsafDocument;
use crate::csaf::finding::Finding;
use crate::csaf::products::{group_references, placed_products, product_references};

/// 6.1.1 Missing Definition of Product ID.
pub(crate) fn missing_product_id_definition(doc: &CsafDocument) -> Vec<Finding> {
    let defined: HashSet<&str> = doc
        .product_tree
        .as_ref()
        .map(|tree| {
            placed_products(tree)
                .iter()
                .map(|p| p.product.product_id.as_str())
                .collect()
        })
        .unwrap_or_default();
    product_references(doc)
        .into_iter()
        .filter(|(id, _)| !defined.contains(id))
        .map(|(id, path)| {
            Finding::new(
                "6.1.1",
                path,
                format!("missing definition of product id {id}"),
            )
        })
        .collect()
}

/// 6.1.2 Multiple Definition of Product ID.
pub(crate) fn multiple_product_id_definitions(doc: &CsafDocument) -> Vec<Finding> {
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let mut first: HashMap<&str, String> = HashMap::new();
    let mut out = Vec::new();
    for placed in placed_products(tree) {
        let id = placed.product.product_id.as_str();
        let path = format!("{}/product_id", placed.path);
        match first.get(id) {
            Some(earlier) => out.push(Finding::new(
                "6.1.2",
                path,
                format!("product id {id} is already defined at {earlier}"),
            )),
            None => {
                first.insert(id, path);
            }
        }
    }
    out
}

/// 6.1.3 Circular Definition of Product ID: a product defined by a
/// relationship must not be built, directly or through other relationships,
/// from itself.
pub(crate) fn circular_product_id_definition(doc: &CsafDocument) -> Vec<Finding> {
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let relationships = tree.relationship_list();
    // Edges: a relationship's product → the two products it is built from.
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for rel in relationships {
        edges
            .entry(rel.full_product_name.product_id.as_str())
            .or_default()
            .extend([
                rel.product_reference.as_str(),
                rel.relates_to_product_reference.as_str(),
            ]);
    }
    let cyclic = cyclic_nodes(&edges);
    let mut out = Vec::new();
    for (i, rel) in relationships.iter().enumerate() {
        let id = rel.full_product_name.product_id.as_str();
        if cyclic.contains(id) {
            out.push(Finding::new(
                "6.1.3",
                format!("/product_tree/relationships/{i}/full_product_name/product_id"),
                format!("product id {id} is defined in terms of itself"),
            ));
        }
    }
    out
}

/// The nodes that lie on a cycle: members of a strongly connected
/// component of two or more, or with an edge to themselves. Tarjan's
/// algorithm, iterative, so long chains cannot overflow the stack and large
/// trees stay linear.
fn cyclic_nodes<'a>(edges: &HashMap<&'a str, Vec<&'a str>>) -> HashSet<&'a str> {
    let mut tarjan = Tarjan::default();
    for root in edges.keys() {
        if !tarjan.index.contains_key(root) {
            tarjan.visit(edges, root);
        }
    }
    tarjan.cyclic
}

#[derive(Default)]
struct Tarjan<'a> {
    index: HashMap<&'a str, usize>,
    low: HashMap<&'a str, usize>,
    stack: Vec<&'a str>,
    on_stack: HashSet<&'a str>,
    cyclic: HashSet<&'a str>,
}

impl<'a> Tarjan<'a> {
    fn enter(&mut self, node: &'a str) {
        let n = self.index.len();
        self.index.insert(node, n);
        self.low.insert(node, n);
        self.stack.push(node);
        self.on_stack.insert(node);
    }

    fn lower(&mut self, node: &'a str, to: usize) {
        if let Some(low) = self.low.get_mut(node) {
            *low = (*low).min(to);
        }
    }

    fn visit(&mut self, edges: &HashMap<&'a str, Vec<&'a str>>, root: &'a str) {
        // Each frame: a node and the position of its next edge.
        let mut frames: Vec<(&'a str, usize)> = vec![(root, 0)];
        self.enter(root);
        while let Some((node, pos)) = frames.pop() {
            let next = edges.get(node).map(Vec::as_slice).unwrap_or_default();
            if let Some(&to) = next.get(pos) {
                frames.push((node, pos + 1));
                match self.index.get(to).copied() {
                    None => {
                        self.enter(to);
                        frames.push((to, 0));
                    }
                    Some(i) if self.on_stack.contains(to) => self.lower(node, i),
                    Some(_) => {}
                }
                continue;
            }
            let low = self.low.get(node).copied().unwrap_or_default();
            if let Some(&(parent, _)) = frames.last() {
                self.lower(parent, low);
            }
            if Some(low) == self.index.get(node).copied() {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 || next.contains(&node) {
                    self.cyclic.extend(component);
                }
            }
        }
    }
}

/// 6.1.4 Missing Definition of Product Group ID.
pub(crate) fn missing_group_id_definition(doc: &CsafDocument) -> Vec<Finding> {
    let defined: HashSet<&str> = doc
        .product_tree
        .as_ref()
        .map(|tree| {
            tree.product_group_list()
                .iter()
                .map(|g| g.group_id.as_str())
                .collect()
        })
        .unwrap_or_default();
    group_references(doc)
        .into_iter()
        .filter(|(id, _)| !defined.contains(id))
        .map(|(id, path)| {
            Finding::new(
                "6.1.4",
                path,
                format!("missing definition of product group id {id}"),
            )
        })
        .collect()
}

/// 6.1.5 Multiple Definition of Product Group ID.
pub(crate) fn multiple_group_id_definitions(doc: &CsafDocument) -> Vec<Finding> {
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (i, group) in tree.product_group_list().iter().enumerate() {
        if !seen.insert(group.group_id.as_str()) {
            out.push(Finding::new(
                "6.1.5",
                format!("/product_tree/product_groups/{i}/group_id"),
                format!(
                    "product group id {} is defined more than once",
                    group.group_id
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    #[test]
    fn t_6_1_1_missing_product_id() {
        let patch = json!({"vulnerabilities": [{"product_status": {
            "known_affected": ["CSAFPID-1", "CSAFPID-2", "CSAFPID-9080700"]}}]});
        let found = fails(
            missing_product_id_definition,
            patch,
            "/vulnerabilities/0/product_status/known_affected/2",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("CSAFPID-9080700"));
        passes(
            missing_product_id_definition,
            json!({"vulnerabilities": [{"product_status": {"known_affected": ["CSAFPID-1"]}}]}),
        );
    }

    #[test]
    fn t_6_1_2_multiple_product_id() {
        let patch = json!({"product_tree": {"branches": [{"category": "vendor", "name": "V",
            "product": {"name": "Again", "product_id": "CSAFPID-1"}}]}});
        fails(
            multiple_product_id_definitions,
            patch,
            "/product_tree/full_product_names/0/product_id",
        );
        passes(multiple_product_id_definitions, json!({}));
    }

    #[test]
    fn t_6_1_3_circular_product_id() {
        let rel = |id: &str, a: &str, b: &str| {
            json!({"category": "installed_on", "full_product_name": {"name": id, "product_id": id},
                   "product_reference": a, "relates_to_product_reference": b})
        };
        let patch = json!({"product_tree": {"relationships": [
            rel("CSAFPID-10", "CSAFPID-1", "CSAFPID-11"),
            rel("CSAFPID-11", "CSAFPID-10", "CSAFPID-2")]}});
        fails(
            circular_product_id_definition,
            patch,
            "/product_tree/relationships/1/full_product_name/product_id",
        );
        let patch = json!({"product_tree": {"relationships": [
            rel("CSAFPID-10", "CSAFPID-1", "CSAFPID-2"),
            rel("CSAFPID-11", "CSAFPID-10", "CSAFPID-2")]}});
        passes(circular_product_id_definition, patch);
        // The specification's example: a product installed on itself.
        let patch = json!({"product_tree": {"relationships": [
            rel("CSAFPID-10", "CSAFPID-1", "CSAFPID-10")]}});
        fails(
            circular_product_id_definition,
            patch,
            "/product_tree/relationships/0/full_product_name/product_id",
        );
        // A longer circle, entered from outside it.
        let patch = json!({"product_tree": {"relationships": [
            rel("CSAFPID-20", "CSAFPID-21", "CSAFPID-1"),
            rel("CSAFPID-21", "CSAFPID-22", "CSAFPID-2"),
            rel("CSAFPID-22", "CSAFPID-23", "CSAFPID-3"),
            rel("CSAFPID-23", "CSAFPID-21", "CSAFPID-3")]}});
        let found =
            super::circular_product_id_definition(&crate::csaf::mandatory::fixtures::doc(patch));
        let paths: Vec<&str> = found.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
        assert!(!paths.contains(&"/product_tree/relationships/0/full_product_name/product_id"));
    }

    #[test]
    fn t_6_1_4_missing_group_id() {
        let threat = |group: &str| {
            json!({"vulnerabilities": [{"threats": [{"category": "exploit_status",
                "details": "x", "group_ids": [group]}]}],
                "product_tree": {"product_groups": [{"group_id": "CSAFGID-1",
                "product_ids": ["CSAFPID-1", "CSAFPID-2"]}]}})
        };
        fails(
            missing_group_id_definition,
            threat("CSAFGID-2"),
            "/vulnerabilities/0/threats/0/group_ids/0",
        );
        passes(missing_group_id_definition, threat("CSAFGID-1"));
    }

    #[test]
    fn t_6_1_5_multiple_group_id() {
        let group = |id: &str| json!({"group_id": id, "product_ids": ["CSAFPID-1", "CSAFPID-2"]});
        fails(
            multiple_group_id_definitions,
            json!({"product_tree": {"product_groups": [group("G"), group("G")]}}),
            "/product_tree/product_groups/1/group_id",
        );
        passes(
            multiple_group_id_definitions,
            json!({"product_tree": {"product_groups": [group("G"), group("H")]}}),
        );
    }
}
