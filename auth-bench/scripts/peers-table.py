#!/usr/bin/env python3
"""Turns a JMH JSON result of PeersBenchmark into one Markdown table per run, with ratios.

Usage: java -jar auth-bench/target/benchmarks.jar PeersBenchmark -rf json -rff peers.json
       python3 auth-bench/scripts/peers-table.py peers.json

Every figure is µs per validation (JMH average time, ± its 99.9 % interval). "fastest peer"
is the lowest peer score for the algorithm; a ratio above 1 means Portcullis is faster.
"""
import json
import sys

PEERS = ["auth0JavaJwt", "jjwt", "springNimbusJwtDecoder", "nimbusProcessor"]
OURS = ["portcullisFirstSight", "portcullisRepeat"]
ALGS = ["RS256", "ES256", "HS256", "EdDSA"]


def main(path):
    scores = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        alg = r["params"]["algorithm"]
        m = r["primaryMetric"]
        scores[(name, alg)] = (m["score"], m["scoreError"])
    algs = [a for a in ALGS if any((n, a) in scores for n in PEERS + OURS)]
    print("| µs per validation | " + " | ".join(algs) + " |")
    print("| --- |" + " ---: |" * len(algs))
    for name in PEERS + OURS:
        cells = []
        for a in algs:
            s = scores.get((name, a))
            cells.append("—" if s is None else fmt(s))
        print(f"| {name} | " + " | ".join(cells) + " |")
    fastest = {}
    for a in algs:
        peers = [(scores[(n, a)][0], n) for n in PEERS if (n, a) in scores]
        if peers:
            fastest[a] = min(peers)
    print("| fastest peer | " + " | ".join(fastest[a][1] if a in fastest else "—" for a in algs) + " |")
    for name, label in (("portcullisFirstSight", "fastest peer ÷ first sight"),
                        ("portcullisRepeat", "fastest peer ÷ repeat")):
        cells = []
        for a in algs:
            if a in fastest and (name, a) in scores:
                cells.append(f"{fastest[a][0] / scores[(name, a)][0]:.2f}×")
            else:
                cells.append("—")
        print(f"| {label} | " + " | ".join(cells) + " |")


def fmt(s):
    score, err = s
    digits = 2 if score < 10 else 1 if score < 100 else 0
    return f"{score:.{digits}f} ± {err:.{digits}f}"


if __name__ == "__main__":
    main(sys.argv[1])
