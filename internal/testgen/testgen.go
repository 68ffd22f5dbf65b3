// Package testgen generates large, well-formed ARR configurations for
// benchmarks, so that the loader's and the linter's budgets are measured on
// the same input.
package testgen

import (
	"bytes"
	"fmt"
)

// Config returns an applicationHost.config with farms farms of servers
// servers each (every other server relying on defaults), each farm with a
// health check and routed by its own rewrite rule. It lints clean.
func Config(farms, servers int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <webFarms>\n")
	for f := 0; f < farms; f++ {
		fmt.Fprintf(&b, "    <webFarm name=\"farm%04d\" enabled=\"true\">\n", f)
		for s := 0; s < servers; s++ {
			if s%2 == 0 {
				fmt.Fprintf(&b, "      <server address=\"10.%d.%d.%d\" enabled=\"true\">\n        <applicationRequestRouting weight=\"%d\" httpPort=\"8080\" />\n      </server>\n", f/256, f%256, s, 100+s)
			} else {
				fmt.Fprintf(&b, "      <server address=\"10.%d.%d.%d\" />\n", f/256, f%256, s)
			}
		}
		fmt.Fprintf(&b, "      <applicationRequestRouting>\n        <protocol timeout=\"00:00:45\" />\n        <healthCheck url=\"http://farm%04d/health\" interval=\"00:00:10\" timeout=\"00:00:05\" minServers=\"1\" />\n        <affinity useCookie=\"true\" />\n        <loadBalancing algorithm=\"WeightedRoundRobin\" />\n      </applicationRequestRouting>\n    </webFarm>\n", f)
	}
	b.WriteString("  </webFarms>\n  <system.webServer>\n    <proxy enabled=\"true\" />\n    <rewrite>\n      <globalRules>\n")
	for f := 0; f < farms; f++ {
		fmt.Fprintf(&b, "        <rule name=\"ARR_farm%04d_loadbalance\" patternSyntax=\"Wildcard\" stopProcessing=\"true\">\n          <match url=\"*\" />\n          <conditions><add input=\"{HTTP_HOST}\" pattern=\"farm%04d.example.com\" /></conditions>\n          <action type=\"Rewrite\" url=\"http://farm%04d/{R:0}\" />\n        </rule>\n", f, f, f)
	}
	b.WriteString("      </globalRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n")
	return b.Bytes()
}

// RuleConfig returns an applicationHost.config whose weight is rewrite
// rules: one farm of two servers and n global rules, each routing one host
// name to the farm. A large one is the shape that costs the most model per
// byte of input.
func RuleConfig(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <webFarms>\n    <webFarm name=\"web\">\n" +
		"      <server address=\"10.0.0.1\" />\n      <server address=\"10.0.0.2\" />\n" +
		"      <applicationRequestRouting>\n        <healthCheck url=\"http://web/health\" interval=\"00:00:10\" timeout=\"00:00:05\" minServers=\"1\" />\n" +
		"      </applicationRequestRouting>\n    </webFarm>\n  </webFarms>\n  <system.webServer>\n    <proxy enabled=\"true\" />\n    <rewrite>\n      <globalRules>\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "        <rule name=\"host%06d\" stopProcessing=\"true\"><match url=\".*\" />"+
			"<conditions><add input=\"{HTTP_HOST}\" pattern=\"^site%06d\\.example\\.com$\" /></conditions>"+
			"<action type=\"Rewrite\" url=\"http://web/{R:0}\" /></rule>\n", i, i)
	}
	b.WriteString("      </globalRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n")
	return b.Bytes()
}
