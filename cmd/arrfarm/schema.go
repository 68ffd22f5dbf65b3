package main

import (
	"fmt"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/spf13/cobra"
)

func newSchemaCmd(s streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "schema [--format cue|jsonschema]",
		Short: "Print the schema of the ARR farm settings",
		Long: `schema prints the CUE schema arrfarm validates with (the single source of truth
for every element, attribute, type, default and range), or a JSON Schema of the
YAML form derived from it, for editor completion of farm YAML files.`,
		Example: `  arrfarm schema > arr.cue
  arrfarm schema --format jsonschema > arrfarm.schema.json
  # VS Code (YAML extension): # yaml-language-server: $schema=./arrfarm.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "cue":
				_, err := s.out.Write(schema.CUESource)
				return err
			case "jsonschema":
				return schema.WriteJSONSchema(s.out)
			}
			return fmt.Errorf(`--format must be "cue" or "jsonschema", not %q`, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "cue", "cue or jsonschema")
	return cmd
}
