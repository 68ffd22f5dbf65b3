package recommend

import (
	"fmt"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// colours are the names a blue/green farm gives its two sets of servers.
var colours = []string{"blue", "green"}

func colourOf(s *schema.Server) string {
	a := strings.ToLower(s.Address)
	for _, c := range colours {
		if strings.Contains(a, c) {
			return c
		}
	}
	return ""
}

// blueGreen takes the standby colour of a blue/green farm out of rotation
// in fr's copy of the farm, and says so. A farm whose URL test has a
// responseMatch and whose enabled servers are named for both colours is
// read as blue/green: the page the test fetches answers the match on the
// live colour only (kevinareed's alwaysup pattern), so the farm has the
// live colour's servers as active peers, not all of them. The live colour
// is taken to be the first enabled server's; nothing in the configuration
// says which, so the reason names the assumption.
func (fr *farmRun) blueGreen() string {
	f := fr.farm
	if f.HealthCheck.URL == "" || f.HealthCheck.ResponseMatch == "" {
		return ""
	}
	seen := map[string]int{}
	live := ""
	for _, s := range f.Servers {
		if !s.Enabled {
			continue
		}
		c := colourOf(s)
		if c == "" {
			return "" // a server of neither colour: not a blue/green pair
		}
		if live == "" {
			live = c
		}
		seen[c]++
	}
	if len(seen) < 2 {
		return ""
	}
	servers := make([]*schema.Server, len(f.Servers))
	for i, s := range f.Servers {
		servers[i] = s
		if s.Enabled && colourOf(s) != live {
			cp := *s
			cp.Enabled = false
			servers[i] = &cp
		}
	}
	f.Servers = servers
	return fmt.Sprintf("farm %q looks blue/green: its URL test matches %q and its servers are named for both colours, so only one colour answers the test and is in rotation; it is treated as %d active server(s) (%s, the first server's colour: an assumption, the configuration does not say which is live), not %d peers",
		f.Name, f.HealthCheck.ResponseMatch, seen[live], live, seen[live]+seen[otherColour(live)])
}

func otherColour(c string) string {
	if c == colours[0] {
		return colours[1]
	}
	return colours[0]
}
