package schema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		// Textbook values; "wbe" -> "web" is one transposition.
		{"", "", 0}, {"web", "web", 0}, {"wbe", "web", 1}, {"web", "webs", 1},
		{"web", "api", 3}, {"kitten", "sitting", 3}, {"", "abc", 3},
		{"ab", "ba", 1}, {"abcd", "badc", 2}, {"ca", "abc", 3},
	} {
		assert.Equal(t, c.want, EditDistance(c.a, c.b), "%q %q", c.a, c.b)
		assert.Equal(t, c.want, EditDistance(c.b, c.a), "symmetric: %q %q", c.b, c.a)
	}
}

func TestClosest(t *testing.T) {
	names := []string{"webFarms", "system.webServer", "location"}
	assert.Equal(t, "webFarms", Closest("webfarms", names), "case")
	assert.Equal(t, "webFarms", Closest("webFrams", names), "transposition")
	assert.Equal(t, "loadBalancing", Closest("loadBal", []string{"protocol", "loadBalancing"}), "prefix")
	assert.Equal(t, "", Closest("caching", names))
	assert.Equal(t, "", Closest(strings.Repeat("x", 1<<20), names), "a huge name is not compared at length")
}
