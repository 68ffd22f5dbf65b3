package lint

import "testing"

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"web", "web", 0}, {"wbe", "web", 1}, {"web", "webs", 1},
		{"web", "api", 3}, {"kitten", "sitting", 3}, {"", "abc", 3},
	} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
