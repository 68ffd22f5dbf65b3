package schema

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 1 MB anchored string referenced 200 times would be 200 MB of text
// once expanded: the guard stops it at the first alias past the budget.
func TestYAMLAliasExpansionIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("farms:\n  - name: &big \"" + strings.Repeat("x", 1<<20) + "\"\n")
	for i := 0; i < 200; i++ {
		b.WriteString("  - name: *big\n")
	}
	doc := load(t, "farms.yaml", b.String())
	require.Len(t, doc.Findings, 1, dump(doc.Findings))
	f := doc.Findings[0]
	assert.Equal(t, RuleYAMLMalformed, f.Rule)
	assert.Contains(t, f.Message, "aliases (*big) expand to more than")
	// The file is 1 MiB + 200 short lines: the first alias fits the budget
	// (the file's own size), the second does not.
	assert.Equal(t, 4, f.Span.Start.Line)
	assert.Empty(t, doc.Config.Farms, "nothing is built from a rejected file")
}

func TestYAMLAliasesWithinBudgetAreRead(t *testing.T) {
	doc := load(t, "farms.yaml", "farms:\n  - name: a\n    servers: &s [{address: x}, {address: y}]\n  - name: b\n    servers: *s\n")
	require.Empty(t, doc.Findings, dump(doc.Findings))
	require.Len(t, doc.Config.Farms, 2)
	assert.Len(t, doc.Config.Farms[1].Servers, 2)
}

// Nested aliases ("billion laughs") are measured without expanding them.
func TestYAMLNestedAliasesAreMeasuredNotExpanded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [" + strings.Repeat("*a"+strconv.Itoa(i-1)+", ", 9) + "*a" + strconv.Itoa(i-1) + "]\n")
	}
	_, fs := ParseYAML(NewLines("bomb.yaml", []byte(b.String())))
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "expand to more than 10000 nodes")
}

func TestYAMLNestingIsBounded(t *testing.T) {
	src := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	_, fs := ParseYAML(NewLines("deep.yaml", []byte(src)))
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "nesting deeper than 64 levels")
	assert.Equal(t, "deep.yaml:1:65", fs[0].Span.String(), "the first level too deep")

	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	_, fs = ParseYAML(NewLines("deep.yaml", []byte(b.String())))
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "nesting deeper than 64 levels")
	// Line 1 opens the first mapping; line 65 starts the 65th.
	assert.Equal(t, 65, fs[0].Span.Start.Line)
}

func TestYAMLErrorLines(t *testing.T) {
	for _, c := range []struct {
		src  string
		line int
	}{
		{"a: b\n c: d: e\n", 2}, // scanner error, counted from 1 by go-yaml
		{"a: b\n\tc: d\n", 2},   // scanner error
		{"farms:\n  - name: web\n    servers: [a\n  - name: b\n", 3}, // parser error, counted from 0
	} {
		_, fs := ParseYAML(NewLines("f.yaml", []byte(c.src)))
		require.Len(t, fs, 1, c.src)
		assert.Equal(t, c.line, fs[0].Span.Start.Line, "%q: %s", c.src, fs[0].Message)
		assert.NotContains(t, fs[0].Message, "yaml: line", "the position is in the span, not the text")
	}
}
