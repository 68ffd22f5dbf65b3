package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/check"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
)

func newExplainCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a lint rule, with a bad and a good example",
		Long:  "Explain prints one rule's documentation: why it matters, how to fix it, and a bad and a good example. RULE is a slug or an ID, of a lint rule or of a check limit (max-502.3).",
		Example: `  arrfarm explain no-health-check
  arrfarm explain ARR3001
  arrfarm explain max-502.3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// check's limits (max-502.3, ARR8001...) are rules of
			// their own, outside the lint registry, and explained too.
			all := append(append([]*lint.Rule(nil), rules.All...), check.BreachRules()...)
			r := lint.Lookup(all, args[0])
			if r == nil {
				if sug := lint.Suggest(all, args[0]); sug != "" {
					return usageErrorf("unknown rule %q (did you mean %q?)", args[0], sug)
				}
				return usageErrorf("unknown rule %q (see arrfarm rules)", args[0])
			}
			_, err := io.WriteString(s.out, lint.RuleMarkdown(r, 1)+"\nMore: "+r.URL()+"\n")
			return err
		},
	}
}

// usageErrorf is a usage error (exit 2) with a message.
func usageErrorf(format string, args ...any) error {
	return withCode(exitUsage, fmt.Errorf(format, args...))
}
