/* A small C reference of the five bandwidth kernels (read, copy, scale, add, triad), written
 * for this project (not STREAM's code). Same conventions as timing_runtime::stream: arrays
 * a=1, b=2, c=0 first-touched with the same static partition the kernels use; STREAM byte
 * counting (8, 16, 16, 24, 24 B/element); best of N passes after a discarded first; decimal
 * GB/s. The read loop keeps 32 independent accumulators so gcc vectorises it (-O3
 * -march=native) without -ffast-math.
 *
 * Build: gcc -O3 -march=native -fopenmp reference.c -o reference
 * Run:   ./reference SIZE THREADS ITERATIONS   -> prints "kernel GB/s" lines.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ACC 32

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Thread `t` of `n` owns [*lo, *hi): contiguous, boundaries multiples of 8 elements. */
static void part(long size, int t, int n, long *lo, long *hi) {
    long chunk = ((size + n - 1) / n + 7) / 8 * 8;
    *lo = (long)t * chunk < size ? (long)t * chunk : size;
    *hi = *lo + chunk < size ? *lo + chunk : size;
}

static double read_sum(const double *restrict a, long lo, long hi) {
    double acc[ACC] = {0};
    long i = lo;
    for (; i + ACC <= hi; i += ACC)
        for (int j = 0; j < ACC; j++) acc[j] += a[i + j];
    double s = 0;
    for (; i < hi; i++) s += a[i];
    for (int j = 0; j < ACC; j++) s += acc[j];
    return s;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SIZE THREADS ITERATIONS\n", argv[0]);
        return 2;
    }
    long size = atol(argv[1]);
    int threads = atoi(argv[2]);
    int iterations = atoi(argv[3]);
    if (size < 1 || threads < 1 || iterations < 1) return 2;
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
    double *a = malloc(size * sizeof(double));
    double *b = malloc(size * sizeof(double));
    double *c = malloc(size * sizeof(double));
    if (!a || !b || !c) return 3;
    const double q = 3.0;
#pragma omp parallel
    {
        long lo, hi;
        part(size, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        for (long i = lo; i < hi; i++) { a[i] = 1.0; b[i] = 2.0; c[i] = 0.0; }
    }
    const char *names[5] = {"read", "copy", "scale", "add", "triad"};
    const double bytes[5] = {8, 16, 16, 24, 24};
    double sum = 0;
    for (int k = 0; k < 5; k++) {
        double best = 1e30;
        for (int it = 0; it < iterations; it++) {
            double total = 0;
            double t0 = now();
#pragma omp parallel reduction(+ : total)
            {
                long lo, hi;
                part(size, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
                switch (k) {
                case 0: total += read_sum(a, lo, hi); break;
                case 1: for (long i = lo; i < hi; i++) c[i] = a[i]; break;
                case 2: for (long i = lo; i < hi; i++) b[i] = q * c[i]; break;
                case 3: for (long i = lo; i < hi; i++) c[i] = a[i] + b[i]; break;
                case 4: for (long i = lo; i < hi; i++) a[i] = b[i] + q * c[i]; break;
                }
            }
            double t = now() - t0;
            if (k == 0) sum = total;
            if (it > 0 || iterations == 1) best = t < best ? t : best;
        }
        printf("%s %.6f\n", names[k], bytes[k] * (double)size / best / 1e9);
    }
    /* Validation: copy c=1, scale b=3, add c=4, triad a=15; read saw a=1. */
    int ok = sum == (double)size;
    for (long i = 0; i < size; i++) ok &= a[i] == 15.0 && b[i] == 3.0 && c[i] == 4.0;
    printf("valid %d\n", ok);
    free(a); free(b); free(c);
    return ok ? 0 : 1;
}
