// Package rules is arrfarm's lint rule catalog: one file per rule, named
// after its ID and slug, and the explicit registry in registry.go.
//
// Messages say what happens in production ("every request to farm web
// gets 502.4"), start lowercase, quote user values and never carry
// positions (those go in Related) or secret values.
package rules
