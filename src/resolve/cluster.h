// Clustering of scored links into entities.
//
// Connected components take the transitive closure of every link above the threshold, so a
// single false link (two people sharing a common name and a birthday) merges two whole
// clusters. Average linkage instead visits links strongest first and merges the two clusters
// of a link only when the mean match probability over all record pairs across them (pairs
// that blocking did not produce are scored on demand) reaches a minimum; a lone weak link
// between two large, otherwise dissimilar clusters is refused. One-to-one linkage (link mode)
// accepts a link only while neither record is already linked, strongest first.
#ifndef MONEYTRAIL_SRC_RESOLVE_CLUSTER_H_
#define MONEYTRAIL_SRC_RESOLVE_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <vector>

namespace moneytrail::resolve_internal {

struct Link {
  uint32_t a = 0;
  uint32_t b = 0;
  double weight = 0;  // match weight (log2 odds)
};

// Cluster index of every record: dense, 0-based, numbered in order of each cluster's first
// record. Record count `n`; links in any order.
std::vector<uint32_t> ConnectedComponents(uint32_t n, const std::vector<Link>& links);

// `weight_of(x, y)` returns the match weight of any two records; `comparable(x, y)` says
// whether a pair counts in the average (link mode: records of different files). Links are
// visited by weight descending, ties by (a, b), so the result does not depend on input order.
std::vector<uint32_t> AverageLinkage(uint32_t n, std::vector<Link> links, double min_probability,
                                     const std::function<double(uint32_t, uint32_t)>& weight_of,
                                     const std::function<bool(uint32_t, uint32_t)>& comparable);

// Greedy correlation clustering (greedy additive edge contraction): as AverageLinkage, but
// two clusters merge when the sum of the match weights (log2 odds) over all their cross
// pairs is >= 0, i.e. when merging does not lower the total log-likelihood ratio of the
// clustering. Evidence adds up: several moderate links can outvote one disagreement.
std::vector<uint32_t> GreedyCorrelation(uint32_t n, std::vector<Link> links,
                                        const std::function<double(uint32_t, uint32_t)>& weight_of,
                                        const std::function<bool(uint32_t, uint32_t)>& comparable);

// Keeps links strongest first while both records are still unlinked; clusters of size <= 2.
std::vector<uint32_t> OneToOne(uint32_t n, std::vector<Link> links);

// Match probability of a match weight: 1 / (1 + 2^-w).
double WeightToProbability(double weight);

}  // namespace moneytrail::resolve_internal

#endif  // MONEYTRAIL_SRC_RESOLVE_CLUSTER_H_
