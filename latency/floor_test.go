package latency

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// latency sits on the floor with schema: lint, simulate, recommend and
// diagnose all import it, so it must import none of them.
func TestImportsOnlySchema(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, "github.com/arrfarm/arrfarm/") && p != "github.com/arrfarm/arrfarm/schema" {
				t.Errorf("%s imports %s; latency may import only schema", name, p)
			}
		}
	}
}
