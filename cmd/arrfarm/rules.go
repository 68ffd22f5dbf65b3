package main

import (
	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
)

func newRulesCmd(s streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the lint rules",
		Long:  "Rules prints the lint rule catalog: ID, slug, default severity and title of every rule.",
		Example: `  arrfarm rules
  arrfarm rules --format json
  arrfarm rules --format markdown > rules.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "markdown":
			default:
				return usageErrorf("--format: unknown format %q (want text, json or markdown)", format)
			}
			return lint.WriteRules(s.out, rules.All, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or markdown")
	return cmd
}
