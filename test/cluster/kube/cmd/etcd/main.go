// Command etcd is the etcd server at the version k8s.io/kubernetes itself pins
// (Debian's etcd-server is 3.4, older than this apiserver supports).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
