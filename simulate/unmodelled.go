package simulate

import (
	"slices"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// simulated lists, per configuration element, the attributes the simulator
// reads. Every other attribute the configuration writes for the simulated
// farm is named in a note, so that no setting is ignored silently.
var simulated = map[string][]string{
	"webFarm":                          {"name", "enabled"},
	"server":                           {"address", "enabled"},
	"server/applicationRequestRouting": {"weight"},
	"protocol":                         {"timeout", "keepAlive"},
	"healthCheck": {"url", "interval", "timeout", "statusCodeMatch", "retries", "liveTrafficFailureCodes",
		"maxLiveTrafficFailures", "liveTrafficFailurePeriod", "minServers"},
	"affinity":      {"useCookie"},
	"loadBalancing": {"algorithm", "leastResponseTimePeriod", "hashServerVariable", "queryStringNames"},
}

// unmodelledNote names the attributes the configuration sets for farm (and
// the sections around it) that the simulation does not model, or "" when
// there are none. A server in portUsed had its httpPort read: it tied the
// server to the application pool whose queueLength the simulation used.
func unmodelledNote(cfg *schema.Config, farm *schema.Farm, hash bool, portUsed map[*schema.Server]bool) string {
	var names []string
	add := func(path string, e *schema.Element, read ...string) {
		for _, a := range e.Written() {
			if slices.Contains(read, a) {
				continue
			}
			// The hash settings take effect only with RequestHash (as lint
			// rule hash-settings-ignored says).
			used := slices.Contains(simulated[path], a) && (hash || path != "loadBalancing" || (a != "hashServerVariable" && a != "queryStringNames"))
			if !used {
				n := path + "/@" + a
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	add("webFarms", &cfg.WebFarms.Element)
	add("webFarm", &farm.Element)
	for _, s := range farm.Servers {
		add("server", &s.Element)
		var read []string
		if portUsed[s] {
			read = append(read, "httpPort")
		}
		add("server/applicationRequestRouting", &s.ARR.Element, read...)
	}
	add("protocol", &farm.Protocol.Element)
	add("protocol/cache", &farm.Protocol.Cache.Element)
	add("healthCheck", &farm.HealthCheck.Element)
	add("affinity", &farm.Affinity.Element)
	for _, h := range farm.Affinity.Hosts {
		add("affinity/host", &h.Element)
	}
	add("loadBalancing", &farm.LoadBalancing.Element)
	if len(names) == 0 {
		return ""
	}
	return "not simulated (set in the configuration, assumed to have no effect on the prediction): " + strings.Join(names, ", ")
}
