// Command netpol-oracle evaluates NetworkPolicy cases with Cyclonus's policy engine
// (github.com/mattfenwick/cyclonus/pkg/matcher), the independent oracle of kubeharden's
// reachability engine. Test infrastructure only: built into the cache by
// scripts/infra/20-cyclonus.sh, never a runtime dependency of kubeharden.
//
// One process evaluates every case of a batch: JSON on stdin, JSON on stdout.
//
//	in:  {"worlds": [{"namespaces": [{"name", "labels"}], "pods": [{"namespace", "name", "labels", "ip",
//	      "ports": [{"name", "port", "protocol"}]}], "policies": [NetworkPolicy JSON],
//	      "queries": [{"src": {"pod": i} | {"ip": "a.b.c.d"}, "dst": ..., "port": n, "protocol": "TCP"}]}],
//	      "repeat": n}
//	out: {"worlds": [{"results": [{"ingress": bool, "egress": bool, "allowed": bool}], "error": "..."}],
//	      "evaluateSeconds": s}
//
// "repeat" evaluates every query n times (for the benchmark's timing; results are from the first).
// A world's "matrix": [{"port", "protocol"}] also evaluates every ordered pod pair on each of those
// ports (the benchmark's all-pairs question) and reports how many were allowed ("matrixAllowed").
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/mattfenwick/cyclonus/pkg/matcher"
	v1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
)

type namespace struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels"`
}

type containerPort struct {
	Name     string `json:"name"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

type pod struct {
	Namespace string            `json:"namespace"`
	Name      string            `json:"name"`
	Labels    map[string]string `json:"labels"`
	IP        string            `json:"ip"`
	Ports     []containerPort   `json:"ports"`
}

type endpoint struct {
	Pod *int   `json:"pod,omitempty"`
	IP  string `json:"ip,omitempty"`
}

type query struct {
	Src      endpoint `json:"src"`
	Dst      endpoint `json:"dst"`
	Port     int      `json:"port"`
	Protocol string   `json:"protocol"`
}

type world struct {
	Namespaces []namespace                   `json:"namespaces"`
	Pods       []pod                         `json:"pods"`
	Policies   []*networkingv1.NetworkPolicy `json:"policies"`
	Queries    []query                       `json:"queries"`
	Matrix     []probePort                   `json:"matrix"`
}

type probePort struct {
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
}

type input struct {
	Worlds []world `json:"worlds"`
	Repeat int     `json:"repeat"`
}

type result struct {
	Ingress bool `json:"ingress"`
	Egress  bool `json:"egress"`
	Allowed bool `json:"allowed"`
}

type worldOutput struct {
	Results       []result `json:"results"`
	MatrixAllowed int      `json:"matrixAllowed"`
	Error         string   `json:"error,omitempty"`
}

type output struct {
	Worlds          []worldOutput `json:"worlds"`
	EvaluateSeconds float64       `json:"evaluateSeconds"`
}

// defaultPolicyTypes applies the API server's defaulting, which Cyclonus expects to have
// happened (it panics on an empty policyTypes): a copy of SetDefaults_NetworkPolicy in
// k8s.io/kubernetes/pkg/apis/networking/v1/defaults.go. kubeharden's own defaulting is checked
// against the real kube-apiserver separately (test/e2e/netpol-live.test.ts).
func defaultPolicyTypes(np *networkingv1.NetworkPolicy) {
	if len(np.Spec.PolicyTypes) == 0 {
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(np.Spec.Egress) != 0 {
			np.Spec.PolicyTypes = append(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
	}
}

type matrixPeer struct {
	peer *matcher.TrafficPeer
	pod  *pod
}

func peer(w *world, nsLabels map[string]map[string]string, e endpoint) (*matcher.TrafficPeer, *pod, error) {
	if e.Pod == nil {
		return &matcher.TrafficPeer{IP: e.IP}, nil, nil
	}
	if *e.Pod < 0 || *e.Pod >= len(w.Pods) {
		return nil, nil, fmt.Errorf("no pod %d", *e.Pod)
	}
	p := &w.Pods[*e.Pod]
	return &matcher.TrafficPeer{
		Internal: &matcher.InternalPeer{PodLabels: p.Labels, NamespaceLabels: nsLabels[p.Namespace], Namespace: p.Namespace},
		IP:       p.IP,
	}, p, nil
}

// evaluate runs one world; a panic inside the oracle (invalid input) becomes the world's error.
func evaluate(w *world, repeat int) (out worldOutput) {
	defer func() {
		if r := recover(); r != nil {
			out = worldOutput{Error: fmt.Sprint(r)}
		}
	}()
	nsLabels := map[string]map[string]string{}
	for _, ns := range w.Namespaces {
		nsLabels[ns.Name] = ns.Labels
	}
	for _, np := range w.Policies {
		defaultPolicyTypes(np)
	}
	policy := matcher.BuildNetworkPolicies(false, w.Policies)
	traffic := make([]*matcher.Traffic, len(w.Queries))
	for i, q := range w.Queries {
		src, _, err := peer(w, nsLabels, q.Src)
		if err != nil {
			return worldOutput{Error: err.Error()}
		}
		dst, dstPod, err := peer(w, nsLabels, q.Dst)
		if err != nil {
			return worldOutput{Error: err.Error()}
		}
		// Named ports resolve against the destination pod's container ports (name, number
		// and protocol); Cyclonus takes the resolved name with the traffic.
		portName := ""
		if dstPod != nil {
			for _, cp := range dstPod.Ports {
				if cp.Port == q.Port && cp.Protocol == q.Protocol {
					portName = cp.Name
				}
			}
		}
		traffic[i] = &matcher.Traffic{Source: src, Destination: dst, ResolvedPort: q.Port, ResolvedPortName: portName, Protocol: v1.Protocol(q.Protocol)}
	}
	if len(w.Matrix) > 0 {
		peers := make([]*matrixPeer, len(w.Pods))
		for i := range w.Pods {
			idx := i
			tp, p, _ := peer(w, nsLabels, endpoint{Pod: &idx})
			peers[i] = &matrixPeer{peer: tp, pod: p}
		}
		for _, src := range peers {
			for _, dst := range peers {
				for _, pp := range w.Matrix {
					name := ""
					for _, cp := range dst.pod.Ports {
						if cp.Port == pp.Port && cp.Protocol == pp.Protocol {
							name = cp.Name
						}
					}
					t := &matcher.Traffic{Source: src.peer, Destination: dst.peer, ResolvedPort: pp.Port, ResolvedPortName: name, Protocol: v1.Protocol(pp.Protocol)}
					if policy.IsTrafficAllowed(t).IsAllowed() {
						out.MatrixAllowed++
					}
				}
			}
		}
	}
	out.Results = make([]result, len(traffic))
	for r := 0; r < repeat; r++ {
		for i, t := range traffic {
			a := policy.IsTrafficAllowed(t)
			if r == 0 {
				out.Results[i] = result{Ingress: a.Ingress.IsAllowed(), Egress: a.Egress.IsAllowed(), Allowed: a.IsAllowed()}
			}
		}
	}
	return out
}

func main() {
	var in input
	dec := json.NewDecoder(os.Stdin)
	if err := dec.Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "netpol-oracle: reading input: %v\n", err)
		os.Exit(2)
	}
	repeat := in.Repeat
	if repeat < 1 {
		repeat = 1
	}
	out := output{Worlds: make([]worldOutput, len(in.Worlds))}
	start := time.Now()
	for i := range in.Worlds {
		out.Worlds[i] = evaluate(&in.Worlds[i], repeat)
	}
	out.EvaluateSeconds = time.Since(start).Seconds()
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "netpol-oracle: writing output: %v\n", err)
		os.Exit(2)
	}
}
