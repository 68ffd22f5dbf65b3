package rules

import (
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ARRPoolRestarts reports the idle time-out and the periodic recycle of the
// application pool that runs ARR: each restart of its worker process
// forgets the farms' health state.
var ARRPoolRestarts = &lint.Rule{
	ID:       "ARR2010",
	Slug:     "arr-pool-restarts",
	Title:    "the application pool running ARR idles out or recycles",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "ARR keeps its runtime state (which servers are healthy, the counters the load-balancing " +
			"algorithms read, its pooled connections to the backends) in the worker process of the application " +
			"pool that serves the proxying site. IIS recycles that process every 29 hours by default " +
			"(`recycling/periodicRestart/@time`) and ends it after 20 minutes without a request " +
			"(`processModel/@idleTimeout`). The new process starts with every server taken for healthy, so a " +
			"server that is down gets requests again (502.3) until a health probe or the live-traffic test marks " +
			"it again, and a recycle has been reported to give 502.4 until the next health pass. Microsoft's " +
			"deployment recommendations for ARR are to disable both for the ARR pool. The trade-off: a pool that " +
			"never recycles keeps whatever memory it grows into, which the recycle was there to reclaim; on an ARR " +
			"box, which runs no application code, that is the usual choice. The periodic recycle of a pool whose " +
			"rules route to a farm is a warning (it comes whatever the load); the idle time-out is a note (it " +
			"strikes only after 20 minutes with no request at all), and so is either for a pool that proxies to " +
			"plain URLs only, where no health state is lost. The rule needs the `applicationPools` and `sites` sections: it judges the pools " +
			"of the sites whose rules proxy (every site with an HTTP binding for global rules). " +
			"`arrfarm simulate` shows the effect with a `proxy-recycle` fault.",
		Fix: "For the ARR pool set `processModel/@idleTimeout=\"00:00:00\"` (or `idleTimeoutAction=\"Suspend\"`) " +
			"and `recycling/periodicRestart/@time=\"00:00:00\"`, on the pool or in `applicationPoolDefaults` " +
			"(appcmd: `set apppool \"DefaultAppPool\" -processModel.idleTimeout:00:00:00 " +
			"-recycling.periodicRestart.time:00:00:00`).",
		Bad: poolExample(""),
		Good: poolExample(`<processModel idleTimeout="00:00:00" />
<recycling>
  <periodicRestart time="00:00:00" />
</recycling>
`),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Deployment Recommendations for Application Request Routing\" (Won Yoo), steps 1 and 2: disable the application pool idle time-out (20 minutes by default) and the pool's recycling conditions, since ARR should run all the time"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft IIS configuration reference, applicationPools/add/recycling/periodicRestart: time defaults to 29 hours (1.05:00:00)"},
		lint.Source{Kind: lint.FromCommunity, Ref: "serverfault 259857 (Web Farm Framework keeps marking servers unhealthy): an application-pool recycle gave 502.4 until the next health pass"},
		inferred("ARR's health state lives in the worker process, so a new process starts without it (arr-reference.md section 3.2); which pool runs ARR is read from the sites whose rules proxy")),
	Check: func(p *lint.Pass) {
		c := p.Config
		if len(c.AppPools) == 0 || len(c.Sites) == 0 {
			return
		}
		for _, use := range arrPools(p) {
			pool := c.Pool(use.name)
			if pool == nil {
				continue
			}
			// Without a farm there is no health state to lose, only the
			// pooled backend connections: a note either way.
			lost, sev := "forgets which servers are unhealthy, so down servers get requests (502.3) until they are marked again", lint.Warning
			if !use.farms {
				lost, sev = "starts a process without ARR's pooled backend connections (this pool proxies to plain URLs only, no farm health is lost)", lint.Info
			}
			d := &c.AppPoolDefaults
			if t, span, ok := poolSetting(&pool.PeriodicRestart.Element, &d.PeriodicRestart.Element, "time", pool.PeriodicRestart.Time, d.PeriodicRestart.Time, pool); ok && t > 0 {
				p.Report(schema.Finding{Span: span, Severity: sev,
					Message: "application pool " + q(pool.Name) + ", which runs ARR, recycles every " + dur(t) +
						" (recycling/periodicRestart/@time): each recycle " + lost})
			}
			idle, span, ok := poolSetting(&pool.ProcessModel.Element, &d.ProcessModel.Element, "idleTimeout", pool.ProcessModel.IdleTimeout, d.ProcessModel.IdleTimeout, pool)
			action, _, _ := poolSetting(&pool.ProcessModel.Element, &d.ProcessModel.Element, "idleTimeoutAction", pool.ProcessModel.IdleTimeoutAction, d.ProcessModel.IdleTimeoutAction, pool)
			if ok && idle > 0 && !strings.EqualFold(action, "Suspend") {
				p.Report(schema.Finding{Span: span, Severity: lint.Info,
					Message: "application pool " + q(pool.Name) + ", which runs ARR, shuts down after " + dur(idle) +
						" without requests (processModel/@idleTimeout): the next request " + strings.Replace(lost, "forgets", "meets a process that has forgotten", 1)})
			}
		}
	},
}

// poolUse is an application pool that runs proxying rules, and whether
// one of them routes to a farm.
type poolUse struct {
	name  string
	farms bool
}

// arrPools lists the application pools that run proxying rules: the root
// pool of every site with an HTTP(S) binding when a global rule proxies,
// and of the rule's site for site rules; each once, in site order.
func arrPools(p *lint.Pass) []poolUse {
	c := p.Config
	var global, globalFarm bool
	sites := map[string]bool{} // lower-cased site -> routes to a farm
	for _, r := range c.Rules {
		scheme, _, ok := r.Target()
		if !r.Enabled || !ok || !proxyScheme(scheme) {
			continue
		}
		farm := p.TargetFarm(r) != nil
		if r.Scope == schema.GlobalRule {
			global, globalFarm = true, globalFarm || farm
		} else if site, _, _ := strings.Cut(strings.Trim(r.Location, "/"), "/"); site != "" {
			k := strings.ToLower(site)
			sites[k] = sites[k] || farm
		}
	}
	var out []poolUse
	at := map[string]int{}
	for _, s := range c.Sites {
		farm, own := sites[strings.ToLower(s.Name)]
		if global && httpSite(s) {
			own, farm = true, farm || globalFarm
		}
		if !own {
			continue
		}
		name, _ := s.RootPool(&c.SiteAppDefaults)
		k := strings.ToLower(name)
		if i, ok := at[k]; ok {
			out[i].farms = out[i].farms || farm
			continue
		}
		at[k] = len(out)
		out = append(out, poolUse{name: name, farms: farm})
	}
	return out
}

// httpSite reports whether site s answers HTTP or HTTPS.
func httpSite(s *schema.Site) bool {
	for _, b := range s.Bindings {
		if strings.EqualFold(b.Protocol, "http") || strings.EqualFold(b.Protocol, "https") {
			return true
		}
	}
	return false
}

// poolSetting is the effective value of attribute name of a pool's
// element e: written on the pool, else in applicationPoolDefaults (def),
// else the schema default the pool's struct holds. span is where the
// value was written, or the pool's name; ok is false when the value
// written was rejected.
func poolSetting[T time.Duration | string](e, def *schema.Element, name string, v, defV T, pool *schema.ApplicationPool) (T, schema.Span, bool) {
	switch {
	case e.Has(name):
		return v, e.ValueSpan(name), !e.Invalid(name)
	case def.Has(name):
		return defV, def.ValueSpan(name), !def.Invalid(name)
	}
	return v, pool.ValueSpan("name"), !e.Invalid(name) && !def.Invalid(name)
}

// poolExample is an applicationHost.config whose Default Web Site routes
// to the clean farm through DefaultAppPool; settings go inside the pool.
func poolExample(settings string) string {
	pool := `<add name="DefaultAppPool" />
`
	if settings != "" {
		pool = `<add name="DefaultAppPool">
` + indent(settings, "  ") + `</add>
`
	}
	return strings.Replace(farmExample("", servers2+healthy), `<configuration>
`, `<configuration>
  <system.applicationHost>
    <applicationPools>
`+indent(pool, "      ")+`    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/" applicationPool="DefaultAppPool" />
        <bindings>
          <binding protocol="http" bindingInformation="*:80:" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
`, 1)
}
