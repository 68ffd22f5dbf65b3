package plan

import (
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// The diff works on a tree of the sections a plan manages, built from the
// model: every element with every schema attribute at its effective value
// (defaults applied), so that a default written out and one left out
// compare equal. Each node knows its place as IIS addresses it: the
// configuration section it sits in and its steps below the section, which
// become an XPath filter (JSON, PowerShell) or an appcmd path.

// node is one element.
type node struct {
	name  string      // XML element name
	key   [][2]string // collection item: its key attributes; nil for a single element
	attrs []schema.AttrValue
	kids  []*node // single child elements, schema order
	lists []*list // collections below this element
	el    *schema.Element
	// label names the element for people: "farm web", "server 10.0.0.5".
	label string
}

// list is a collection: items of one element name.
type list struct {
	item string
	// ordered collections (rules, conditions, server variables) are
	// evaluated in order: a different order is a difference.
	ordered bool
	items   []*node
	// what names the item kind for people ("server", "rule").
	what string
}

// section is one configuration section a plan manages.
type section struct {
	path string // "webFarms", "system.webServer/proxy", ...
	root *node
	// written is whether the file has the section at all. A section the
	// desired file leaves out is left alone: a farms-only YAML file does
	// not switch the proxy off or delete the rules.
	written bool
}

func (n *node) kid(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

func (n *node) attr(name string) *schema.AttrValue {
	for i := range n.attrs {
		if n.attrs[i].Name == name {
			return &n.attrs[i]
		}
	}
	return nil
}

// keyOf is the item's identity within its collection. IIS compares
// collection keys without regard to case.
func keyOf(n *node) string {
	var b strings.Builder
	for i, kv := range n.key {
		if i > 0 {
			b.WriteByte(0)
		}
		b.WriteString(strings.ToLower(kv[1]))
	}
	return b.String()
}

func leaf(name string, el any, e *schema.Element) *node {
	return &node{name: name, attrs: schema.AttrValues(el), el: e}
}

// stringItems builds a collection of add/equivalentHost elements holding
// only a name (host affinity providers, allowed server variables).
func stringItems(item, what string, names []string, at *schema.Element) *list {
	l := &list{item: item, what: what}
	for _, n := range names {
		l.items = append(l.items, &node{name: item, key: [][2]string{{"name", n}}, el: at, label: what + " " + n})
	}
	return l
}

// sections builds the managed sections of cfg, in a fixed order.
func sections(cfg *schema.Config) []*section {
	wf := leaf("webFarms", &cfg.WebFarms, &cfg.WebFarms.Element)
	wf.label = "webFarms"
	arr := &node{name: "applicationRequestRouting", el: &cfg.WebFarms.Element}
	hap := &node{name: "hostAffinityProviderList", el: &cfg.WebFarms.Element}
	hap.lists = []*list{stringItems("add", "host affinity provider", cfg.WebFarms.HostAffinityProviders, &cfg.WebFarms.Element)}
	arr.kids = []*node{hap}
	wf.kids = []*node{arr}
	farms := &list{item: "webFarm", what: "farm"}
	for _, f := range cfg.Farms {
		farms.items = append(farms.items, farmNode(f))
	}
	wf.lists = []*list{farms}

	px := leaf("proxy", &cfg.Proxy, &cfg.Proxy.Element)
	px.label = "proxy"
	px.kids = []*node{leaf("cache", &cfg.Proxy.Cache, &cfg.Proxy.Cache.Element)}

	gr := &node{name: "globalRules", label: "globalRules"}
	rules := &list{item: "rule", what: "rule", ordered: true}
	for _, r := range cfg.Rules {
		if r.Scope == schema.GlobalRule {
			rules.items = append(rules.items, ruleNode(r))
		}
	}
	gr.lists = []*list{rules}

	av := &node{name: "allowedServerVariables", label: "allowedServerVariables"}
	av.lists = []*list{stringItems("add", "allowed server variable", cfg.AllowedServerVariables, nil)}

	return []*section{
		{path: "webFarms", root: wf, written: cfg.WebFarms.Present || len(cfg.Farms) > 0},
		{path: "system.webServer/proxy", root: px, written: cfg.Proxy.Present},
		{path: "system.webServer/rewrite/globalRules", root: gr, written: len(rules.items) > 0},
		{path: "system.webServer/rewrite/allowedServerVariables", root: av, written: cfg.AllowedServerVariablesPresent},
	}
}

func farmNode(f *schema.Farm) *node {
	n := leaf("webFarm", f, &f.Element)
	n.key = [][2]string{{"name", f.Name}}
	n.label = "farm " + f.Name
	servers := &list{item: "server", what: "server"}
	for _, s := range f.Servers {
		sn := leaf("server", s, &s.Element)
		sn.key = [][2]string{{"address", s.Address}}
		sn.label = "server " + s.Address
		sn.kids = []*node{leaf("applicationRequestRouting", &s.ARR, &s.ARR.Element)}
		servers.items = append(servers.items, sn)
	}
	n.lists = []*list{servers}
	proto := leaf("protocol", &f.Protocol, &f.Protocol.Element)
	proto.kids = []*node{leaf("cache", &f.Protocol.Cache, &f.Protocol.Cache.Element)}
	aff := leaf("affinity", &f.Affinity, &f.Affinity.Element)
	hosts := &list{item: "host", what: "affinity host"}
	for _, h := range f.Affinity.Hosts {
		hn := leaf("host", h, &h.Element)
		hn.key = [][2]string{{"name", h.Name}}
		hn.label = "affinity host " + h.Name
		hn.lists = []*list{stringItems("equivalentHost", "equivalent host", h.EquivalentHosts, &h.Element)}
		hosts.items = append(hosts.items, hn)
	}
	aff.lists = []*list{hosts}
	arr := &node{name: "applicationRequestRouting", el: &f.ARR, kids: []*node{
		proto,
		leaf("healthCheck", &f.HealthCheck, &f.HealthCheck.Element),
		aff,
		leaf("loadBalancing", &f.LoadBalancing, &f.LoadBalancing.Element),
	}}
	n.kids = []*node{arr}
	return n
}

func ruleNode(r *schema.Rule) *node {
	n := leaf("rule", r, &r.Element)
	n.key = [][2]string{{"name", r.Name}}
	n.label = "rule " + r.Name
	conds := leaf("conditions", &r.Conditions, &r.Conditions.Element)
	cl := &list{item: "add", what: "condition", ordered: true}
	for _, c := range r.Conditions.Items {
		cn := leaf("add", c, &c.Element)
		// A condition is known by its input and pattern (IsFile and
		// IsDirectory conditions have no pattern).
		cn.key = [][2]string{{"input", c.Input}}
		if c.Pattern != "" {
			cn.key = append(cn.key, [2]string{"pattern", c.Pattern})
		}
		cn.label = "condition " + c.Input
		cl.items = append(cl.items, cn)
	}
	conds.lists = []*list{cl}
	sv := &node{name: "serverVariables", el: &r.Element}
	sl := &list{item: "set", what: "server variable", ordered: true}
	for _, v := range r.ServerVariables {
		vn := leaf("set", v, &v.Element)
		vn.key = [][2]string{{"name", v.Name}}
		vn.label = "server variable " + v.Name
		sl.items = append(sl.items, vn)
	}
	sv.lists = []*list{sl}
	n.kids = []*node{leaf("match", &r.Match, &r.Match.Element), conds, sv, leaf("action", &r.Action, &r.Action.Element)}
	return n
}
