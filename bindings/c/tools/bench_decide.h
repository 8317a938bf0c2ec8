/* heapwise-c --bench-decide: the cost of one whole engine decision, measured. */
#ifndef HW_TOOLS_BENCH_DECIDE_H
#define HW_TOOLS_BENCH_DECIDE_H

/* Prints p50/p90 ns per decision and the fuel units one decision spends; returns an exit code. */
int hw_bench_decide(void);

#endif
