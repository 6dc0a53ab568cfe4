// A trimmed CoreDNS for the test cluster: only the plugins a cluster DNS and vcluster's Corefile use
// (vcluster v0.36.1 pkg/coredns/template.go), instead of all of them (core/plugin/zplugin.go imports
// every plugin, with the cloud DNS SDKs: about five times the build time). The plugin order is
// CoreDNS's own (core/dnsserver/zdirectives.go); plugins not linked here are simply absent.
// Built by scripts/k8s/build-tools.sh.
package main

import (
	_ "github.com/coredns/caddy/onevent"
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
	_ "github.com/coredns/coredns/plugin/rewrite"

	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
