package lint

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var (
	idPattern   = regexp.MustCompile(`^ARR[0-59]\d{3}$`)
	slugPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
)

// Validate checks a registry: IDs and slugs well-formed and unique, the
// list sorted by ID, titles in style, every rule documented with a check.
// The CLI calls it at start-up and a test calls it on the real registry,
// so a malformed rule never reaches a user.
func Validate(registry []*Rule) error {
	var errs []error
	bad := func(r *Rule, format string, args ...any) {
		errs = append(errs, fmt.Errorf("rule %s %s: %s", r.ID, r.Slug, fmt.Sprintf(format, args...)))
	}
	ids := map[string]bool{}
	slugs := map[string]bool{}
	for i, r := range registry {
		if !idPattern.MatchString(r.ID) {
			bad(r, "ID must be ARR and four digits whose first is a category (0-5 or 9)")
		}
		if !slugPattern.MatchString(r.Slug) {
			bad(r, "slug must be lowercase kebab-case")
		}
		if ids[r.ID] {
			bad(r, "duplicate ID")
		}
		if slugs[r.Slug] {
			bad(r, "duplicate slug")
		}
		ids[r.ID], slugs[r.Slug] = true, true
		if i > 0 && registry[i-1].ID >= r.ID {
			bad(r, "registry not sorted by ID: comes after %s", registry[i-1].ID)
		}
		switch {
		case r.Title == "":
			bad(r, "empty title")
		case strings.ToLower(r.Title[:1]) != r.Title[:1]:
			bad(r, "title must start lowercase")
		case strings.HasSuffix(r.Title, "."):
			bad(r, "title must not end with a period")
		case len(r.Title) > 64:
			bad(r, "title longer than 64 characters")
		}
		if r.Severity < Info || r.Severity > Error {
			bad(r, "default severity not set")
		}
		if r.Check == nil {
			bad(r, "no check")
		}
		if r.Doc.Why == "" || r.Doc.Fix == "" || r.Doc.Bad == "" || r.Doc.Good == "" {
			bad(r, "documentation needs why, fix, a bad and a good example")
		}
		if len(r.Evidence) == 0 {
			bad(r, "no evidence: say what the rule rests on (schema, Microsoft documentation, community report, inferred)")
		}
		for _, src := range r.Evidence {
			if src.Kind <= 0 || src.Kind > Inferred || strings.TrimSpace(src.Ref) == "" {
				bad(r, "evidence needs a kind and a reference")
			}
		}
		if len(r.Evidence) > 0 && r.InferredOnly() && r.Severity == Error {
			bad(r, "a rule resting only on inference cannot be an error")
		}
		if r.After && r.Latency {
			bad(r, "a rule cannot be both After and Latency")
		}
	}
	return errors.Join(errs...)
}
