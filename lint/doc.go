// Package lint checks a loaded ARR configuration against a catalog of rules
// and renders the findings.
//
// A rule is a value (Rule) with a stable ID, a slug, a title, a default
// severity, documentation and a check. The catalog itself lives in package
// lint/rules as an explicit list; this package holds only the framework:
// running rules over a document (Linter), suppression comments, the
// .arrfarm.yaml configuration, latency sources for the latency-aware rules,
// and the output formats (text, json, sarif, github, markdown).
//
// Data flows one way: schema.Load gives a Document; Linter.Lint turns it
// into Diagnostics; Write renders them.
package lint
