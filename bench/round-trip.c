/* How far apart the machine's first two CPUs are right now: the round trip of one cache line between two threads
 * pinned to CPUs 0 and 1, in nanoseconds (the median of 5 rounds of 100 000). On the 2-vCPU hosts the engine is built
 * on it is 58-100 ns at some moments and 370-870 ns at others, which moves every two-core figure; bench/ab-cpu.sh
 * prints it before and after each pair of runs. Built and run by bench/round-trip.sh. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 5
#define TRIPS 100000

static _Alignas(64) atomic_long flag;

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "round-trip: cannot run on CPU %d (a one-CPU machine?)\n", cpu);
        exit(2);
    }
}

static void *answer(void *unused)
{
    (void)unused;
    pin(1);
    for (long trip = 0; trip < (long)ROUNDS * TRIPS; trip++) {
        while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * trip + 1) {
        }
        atomic_store_explicit(&flag, 2 * trip + 2, memory_order_release);
    }
    return NULL;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    pthread_t other;
    double ns[ROUNDS];
    pin(0);
    pthread_create(&other, NULL, answer, NULL);
    for (int round = 0; round < ROUNDS; round++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (long trip = (long)round * TRIPS; trip < (long)(round + 1) * TRIPS; trip++) {
            atomic_store_explicit(&flag, 2 * trip + 1, memory_order_release);
            while (atomic_load_explicit(&flag, memory_order_acquire) != 2 * trip + 2) {
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        ns[round] = ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / TRIPS;
    }
    pthread_join(other, NULL);
    qsort(ns, ROUNDS, sizeof ns[0], compare);
    printf("%.0f\n", ns[ROUNDS / 2]);
    return 0;
}
