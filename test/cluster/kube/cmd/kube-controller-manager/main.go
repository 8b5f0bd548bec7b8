// Command kube-controller-manager is the upstream controller manager, linked from
// k8s.io/kubernetes; the tests need it for ClusterRole aggregation, namespace
// lifecycle and ServiceAccount creation.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones, as in the release binary

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
