package rules

import (
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

// The reference: the pairwise definition duplicate-server had before it
// got an index. The index must find, for every server, the same first
// earlier server as this quadratic scan.
func referenceMatch(servers []*schema.Server, i int) int {
	s := servers[i]
	for j, prev := range servers[:i] {
		if sameHost(prev.Address, s.Address) && samePorts(prev, s) {
			return j
		}
	}
	return -1
}

// samePorts reports whether a and b reach the same ports. One machine
// under two names with different ports is two backends (a documented
// pattern: several sites of one server in one farm).
func samePorts(a, b *schema.Server) bool {
	for _, attr := range []string{"httpPort", "httpsPort"} {
		if a.ARR.Invalid(attr) || b.ARR.Invalid(attr) {
			return false
		}
	}
	return a.ARR.HTTPPort == b.ARR.HTTPPort && a.ARR.HTTPSPort == b.ARR.HTTPSPort
}

// sameHost reports whether a and b name one host in different spellings:
// equal but for a trailing dot, or a short name and a name that starts
// with it. Spellings equal but for case are not counted: they are
// duplicate keys.
func sameHost(a, b string) bool {
	if strings.EqualFold(a, b) || net.ParseIP(a) != nil || net.ParseIP(b) != nil {
		return false
	}
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return !strings.Contains(a, ".") && strings.HasPrefix(b, a+".")
}

// TestDuplicateServerIndexMatchesPairs compares the index with the
// pairwise scan on seeded random farms drawn from spellings that pair
// (short and qualified, trailing dots, case) and ones that must not (IP
// addresses, other domains, other ports).
func TestDuplicateServerIndexMatchesPairs(t *testing.T) {
	names := []string{"web01", "web01.", "WEB01", "web01.corp", "web01.corp.", "Web01.Corp", "web01.other",
		"web02", "web02.corp", "10.0.0.1", "10.0.0.1.", "web01.corp.other", "web0", "web01x.corp"}
	rng := rand.New(rand.NewPCG(1, 2))
	for farm := range 2000 {
		n := 1 + rng.IntN(8)
		servers := make([]*schema.Server, n)
		for i := range servers {
			servers[i] = &schema.Server{Address: names[rng.IntN(len(names))]}
			servers[i].ARR.HTTPPort = []int64{80, 8080}[rng.IntN(2)]
			servers[i].ARR.HTTPSPort = 443
		}
		var x hostIndex
		for i := range servers {
			got, want := x.match(servers, i), referenceMatch(servers, i)
			if got != want {
				var addrs []string
				for _, s := range servers {
					addrs = append(addrs, s.Address)
				}
				t.Fatalf("farm %d %v, server %d: index says %d, pairwise scan %d", farm, addrs, i, got, want)
			}
		}
	}
}
