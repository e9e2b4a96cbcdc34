// Hand-written C++/OpenMP baseline of Taichi's classic 88-line 2D MLS-MPM
// (python/taichi/examples/simulation/mpm88.py), for benchmarking qtaichi against.
//
// Same algorithm, same parameters, float32 everywhere:
//   n_grid = G (default 128), dx = 1/G, p_rho = 1, p_vol = (dx/2)^2, p_mass = p_vol * p_rho,
//   gravity = 9.8, bound = 3, E = 400,
//   dt = 2e-4 * 128 / G: 2e-4 at the classic 128^2 grid (as in mpm88.py), 5e-5 at 512^2.
//        Halving dx halves the CFL-stable step, so larger grids scale dt with dx; dt is printed.
//   One substep: clear grid -> P2G (quadratic B-spline weights, MLS affine, atomic scatter) ->
//   grid update (divide by mass, gravity, boundary clamps) -> G2P (velocity, APIC C, advect, J).
//
// Deliberately "what a good HPC engineer writes by hand", not a cleverer algorithm: particles in
// structure-of-arrays, grid as one 16-byte {vx, vy, m, pad} cell per node ([i][j] row-major like
// Taichi's (n_grid, n_grid) field) so the 3 cells of a stencil row share one or two cache lines,
// one OpenMP parallel region around the whole time loop (no fork/join per loop), static
// schedules, `#pragma omp atomic` for the P2G scatter (27 float atomics per particle, which GCC
// emits as lock-cmpxchg loops and which dominate the run time), no particle sorting or binning.
// Tried and dropped for showing no gain here: software prefetch of the stencil, 12-byte cells,
// `omp for simd` on G2P.
//
// Differences from the Taichi source that do not change results on power-of-two grids:
// x / dx is computed as x * (1/dx) and "/ dx**2" as "* (1/dx**2)" (exact when G is a power of 2).
// Python-scope constant subexpressions are folded in double and rounded to float once, as Taichi
// does: -dt*4*E*p_vol, dt*gravity, p_mass. Initial positions come from the generator below, not
// from ti.random(). With more than one thread the atomic accumulation order varies, so means
// can differ from run to run in the last digits.
//
// Usage: mpm88_baseline --particles N --grid G --steps S [--init path] [--threads T] [--warmup W]
//   --init path: raw little-endian float32, N*2 values (x0, y0, x1, y1, ...): initial positions.
//   Without --init, positions come from the deterministic generator below (reproduced bit for bit
//   by benchmarks/mpm88_init.py: initial_positions(n, seed=0)).
//   --threads T: OpenMP threads (default: OMP_NUM_THREADS / all cores).
//   --warmup W (default 10): W substeps are run first (untimed), then the state is reset to the
//   initial condition and S substeps are timed, so the printed means do not depend on W.
//
// Output (stdout): ns_per_particle_substep= (timed wall time / (N*S)), mean_x= mean_y= (%.9g,
// after the S timed substeps), threads=, dt=. Exit status 1 (message on stderr) if any final
// position is NaN or outside [0, 1].

#include <omp.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// ---- Initial positions ----
// splitmix64 draw j (j = 0, 1, 2, ...) for seed s, all arithmetic mod 2^64:
//   z = s + (j + 1) * 0x9E3779B97F4A7C15
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB
//   z =  z ^ (z >> 31)
// Particle i uses draw 2i for x and draw 2i+1 for y. From a draw z:
//   r = z >> 40                    (24 uniform bits)
//   k = (r * 6710886) >> 24        (integer in [0, 6710886); 6710886 = floor(0.4 * 2^24))
//   coordinate = float32(0.2) + float32(k) * 2^-24      (float32 arithmetic)
// float32(k) * 2^-24 is exact, so the only rounding is the final float32 add, and the result is
// the same with or without FMA contraction: numpy reproduces it exactly. Range: [0.2, 0.6),
// like Taichi's ti.random() * 0.4 + 0.2.
uint64_t splitmix64_draw(uint64_t seed, uint64_t j) {
  uint64_t z = seed + (j + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

float coordinate_from_draw(uint64_t z) {
  const uint64_t r = z >> 40;
  const uint64_t k = (r * 6710886ull) >> 24;
  return 0.2f + static_cast<float>(k) * 0x1p-24f;
}

struct Args {
  long particles = 8192;
  int grid = 128;
  long steps = 2000;
  int warmup = 10;
  int threads = 0; // 0: OpenMP default
  std::string init_path;
};

[[noreturn]] void usage_error(const char *msg) {
  std::fprintf(stderr,
               "error: %s\nusage: mpm88_baseline --particles N --grid G --steps S "
               "[--init path] [--threads T] [--warmup W]\n",
               msg);
  std::exit(2);
}

Args parse_args(int argc, char **argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("usage: mpm88_baseline --particles N --grid G --steps S "
                  "[--init path] "
                  "[--threads T] [--warmup W]\n");
      std::exit(0);
    }
    if (i + 1 >= argc)
      usage_error(("missing value for " + flag).c_str());
    const char *value = argv[++i];
    if (flag == "--particles")
      a.particles = std::atol(value);
    else if (flag == "--grid")
      a.grid = std::atoi(value);
    else if (flag == "--steps")
      a.steps = std::atol(value);
    else if (flag == "--warmup")
      a.warmup = std::atoi(value);
    else if (flag == "--threads")
      a.threads = std::atoi(value);
    else if (flag == "--init")
      a.init_path = value;
    else
      usage_error(("unknown flag " + flag).c_str());
  }
  if (a.particles <= 0 || a.grid < 8 || a.steps <= 0 || a.warmup < 0 || a.threads < 0)
    usage_error("need --particles > 0, --grid >= 8, --steps > 0, --warmup >= "
                "0, --threads >= 0");
  return a;
}

std::vector<float> load_or_generate_positions(const Args &a) {
  std::vector<float> pos(static_cast<size_t>(a.particles) * 2);
  if (a.init_path.empty()) {
    for (size_t j = 0; j < pos.size(); ++j)
      pos[j] = coordinate_from_draw(splitmix64_draw(0, j));
    return pos;
  }
  FILE *f = std::fopen(a.init_path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "error: cannot open --init file %s\n", a.init_path.c_str());
    std::exit(2);
  }
  const size_t got = std::fread(pos.data(), sizeof(float), pos.size(), f);
  const bool extra = std::fgetc(f) != EOF;
  std::fclose(f);
  if (got != pos.size() || extra) {
    std::fprintf(stderr, "error: --init file %s must hold exactly %zu float32 values\n",
                 a.init_path.c_str(), pos.size());
    std::exit(2);
  }
  return pos;
}

struct Cell {
  float vx, vy, m, pad;
};

struct Sim {
  // Parameters (float32 like Taichi's default; constant subexpressions folded in double).
  int n_grid;
  int bound = 3;
  float dx, inv_dx, inv_dx2;
  float dt;
  float p_vol, p_mass;
  float dt_gravity;  // dt * gravity
  float stress_coef; // -dt * 4 * E * p_vol (times (J - 1) / dx^2 per particle)

  long n;
  // Particles, structure of arrays.
  float *x0, *x1, *v0, *v1, *c00, *c01, *c10, *c11, *J;
  Cell *grid; // n_grid * n_grid cells, [i][j] row-major

  Sim(long particles, int g) : n_grid(g), n(particles) {
    const double dx_d = 1.0 / g;
    const double dt_d = 2e-4 * 128.0 / g;
    const double p_vol_d = (dx_d * 0.5) * (dx_d * 0.5);
    const double p_rho = 1.0, gravity = 9.8, E = 400.0;
    dx = static_cast<float>(dx_d);
    inv_dx = static_cast<float>(g);
    inv_dx2 = static_cast<float>(double(g) * g);
    dt = static_cast<float>(dt_d);
    p_vol = static_cast<float>(p_vol_d);
    p_mass = static_cast<float>(p_vol_d * p_rho);
    dt_gravity = static_cast<float>(dt_d * gravity);
    stress_coef = static_cast<float>(-dt_d * 4 * E * p_vol_d);

    float **arrays[] = {&x0, &x1, &v0, &v1, &c00, &c01, &c10, &c11, &J};
    const size_t bytes = ((static_cast<size_t>(n) * sizeof(float) + 63) / 64) * 64;
    for (float **arr : arrays)
      *arr = static_cast<float *>(std::aligned_alloc(64, bytes));
    grid = static_cast<Cell *>(std::aligned_alloc(64, static_cast<size_t>(g) * g * sizeof(Cell)));
  }
  ~Sim() {
    for (float *arr : {x0, x1, v0, v1, c00, c01, c10, c11, J})
      std::free(arr);
    std::free(grid);
  }
  Sim(const Sim &) = delete;
  Sim &operator=(const Sim &) = delete;

  // Initial condition: x from pos, v = [0, -1], C = 0, J = 1. Parallel first touch.
  void reset(const std::vector<float> &pos) {
    const float *p = pos.data();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; ++i) {
      x0[i] = p[2 * i];
      x1[i] = p[2 * i + 1];
      v0[i] = 0.0f;
      v1[i] = -1.0f;
      c00[i] = c01[i] = c10[i] = c11[i] = 0.0f;
      J[i] = 1.0f;
    }
#pragma omp parallel for schedule(static)
    for (long c = 0; c < static_cast<long>(n_grid) * n_grid; ++c)
      grid[c] = Cell{0.0f, 0.0f, 0.0f, 0.0f};
  }

  // Runs `steps` substeps; must be called from inside an OpenMP parallel region (orphaned
  // worksharing loops; each ends in the implicit barrier the next phase needs).
  void run_substeps_in_parallel_region(long steps) {
    const int G = n_grid;
    const long cells = static_cast<long>(G) * G;
    for (long s = 0; s < steps; ++s) {
      // ---- clear grid
#pragma omp for schedule(static)
      for (long c = 0; c < cells; ++c) {
        grid[c] = Cell{0.0f, 0.0f, 0.0f, 0.0f};
      }

      // ---- P2G
#pragma omp for schedule(static)
      for (long p = 0; p < n; ++p) {
        const float Xp0 = x0[p] * inv_dx, Xp1 = x1[p] * inv_dx;
        const int b0 = static_cast<int>(Xp0 - 0.5f), b1 = static_cast<int>(Xp1 - 0.5f);
        const float f0 = Xp0 - static_cast<float>(b0), f1 = Xp1 - static_cast<float>(b1);
        const float w0[3] = {0.5f * (1.5f - f0) * (1.5f - f0), 0.75f - (f0 - 1.0f) * (f0 - 1.0f),
                             0.5f * (f0 - 0.5f) * (f0 - 0.5f)};
        const float w1[3] = {0.5f * (1.5f - f1) * (1.5f - f1), 0.75f - (f1 - 1.0f) * (f1 - 1.0f),
                             0.5f * (f1 - 0.5f) * (f1 - 0.5f)};
        const float stress = stress_coef * (J[p] - 1.0f) * inv_dx2;
        const float a00 = stress + p_mass * c00[p], a01 = p_mass * c01[p];
        const float a10 = p_mass * c10[p], a11 = stress + p_mass * c11[p];
        const float mv0 = p_mass * v0[p], mv1 = p_mass * v1[p];
        Cell *row = grid + static_cast<long>(b0) * G + b1;
        for (int i = 0; i < 3; ++i) {
          const float d0 = (static_cast<float>(i) - f0) * dx;
          for (int j = 0; j < 3; ++j) {
            const float d1 = (static_cast<float>(j) - f1) * dx;
            const float weight = w0[i] * w1[j];
            const float gx = weight * (mv0 + a00 * d0 + a01 * d1);
            const float gy = weight * (mv1 + a10 * d0 + a11 * d1);
            const float gm = weight * p_mass;
            Cell &c = row[i * G + j];
#pragma omp atomic
            c.vx += gx;
#pragma omp atomic
            c.vy += gy;
#pragma omp atomic
            c.m += gm;
          }
        }
      }

      // ---- grid update
#pragma omp for schedule(static)
      for (int i = 0; i < G; ++i) {
        Cell *row = grid + static_cast<long>(i) * G;
        for (int j = 0; j < G; ++j) {
          Cell c = row[j];
          if (c.m > 0.0f) {
            c.vx /= c.m;
            c.vy /= c.m;
          }
          c.vy -= dt_gravity;
          if (i < bound && c.vx < 0.0f)
            c.vx = 0.0f;
          if (i > G - bound && c.vx > 0.0f)
            c.vx = 0.0f;
          if (j < bound && c.vy < 0.0f)
            c.vy = 0.0f;
          if (j > G - bound && c.vy > 0.0f)
            c.vy = 0.0f;
          row[j] = c;
        }
      }

      // ---- G2P
#pragma omp for schedule(static)
      for (long p = 0; p < n; ++p) {
        const float Xp0 = x0[p] * inv_dx, Xp1 = x1[p] * inv_dx;
        const int b0 = static_cast<int>(Xp0 - 0.5f), b1 = static_cast<int>(Xp1 - 0.5f);
        const float f0 = Xp0 - static_cast<float>(b0), f1 = Xp1 - static_cast<float>(b1);
        const float w0[3] = {0.5f * (1.5f - f0) * (1.5f - f0), 0.75f - (f0 - 1.0f) * (f0 - 1.0f),
                             0.5f * (f0 - 0.5f) * (f0 - 0.5f)};
        const float w1[3] = {0.5f * (1.5f - f1) * (1.5f - f1), 0.75f - (f1 - 1.0f) * (f1 - 1.0f),
                             0.5f * (f1 - 0.5f) * (f1 - 0.5f)};
        float nv0 = 0.0f, nv1 = 0.0f, n00 = 0.0f, n01 = 0.0f, n10 = 0.0f, n11 = 0.0f;
        const Cell *row = grid + static_cast<long>(b0) * G + b1;
        for (int i = 0; i < 3; ++i) {
          const float d0 = (static_cast<float>(i) - f0) * dx;
          for (int j = 0; j < 3; ++j) {
            const float d1 = (static_cast<float>(j) - f1) * dx;
            const float weight = w0[i] * w1[j];
            const Cell &c = row[i * G + j];
            nv0 += weight * c.vx;
            nv1 += weight * c.vy;
            const float k = 4.0f * weight * inv_dx2;
            n00 += k * c.vx * d0;
            n01 += k * c.vx * d1;
            n10 += k * c.vy * d0;
            n11 += k * c.vy * d1;
          }
        }
        v0[p] = nv0;
        v1[p] = nv1;
        x0[p] += dt * nv0;
        x1[p] += dt * nv1;
        J[p] *= 1.0f + dt * (n00 + n11);
        c00[p] = n00;
        c01[p] = n01;
        c10[p] = n10;
        c11[p] = n11;
      }
    }
  }

  void run(long steps) {
#pragma omp parallel
    run_substeps_in_parallel_region(steps);
  }
};

} // namespace

int main(int argc, char **argv) {
  const Args args = parse_args(argc, argv);
  if (args.threads > 0)
    omp_set_num_threads(args.threads);
  int threads = 1;
#pragma omp parallel
#pragma omp single
  threads = omp_get_num_threads();

  const std::vector<float> init = load_or_generate_positions(args);
  Sim sim(args.particles, args.grid);
  for (float c : init) {
    // The 3x3 stencil of every particle must lie inside the grid (like mpm88.py, the kernels do
    // not clamp; the boundary condition keeps particles away from the walls afterwards).
    if (!(c >= 0.0f && static_cast<int>(c * sim.inv_dx - 0.5f) <= args.grid - 3)) {
      std::fprintf(stderr, "error: initial position %g puts the stencil outside the grid\n",
                   double(c));
      return 2;
    }
  }

  if (args.warmup > 0) {
    sim.reset(init);
    sim.run(args.warmup);
  }
  sim.reset(init);

  const double t0 = omp_get_wtime();
  sim.run(args.steps);
  const double t1 = omp_get_wtime();

  double sx = 0.0, sy = 0.0;
  long bad = 0;
  for (long p = 0; p < sim.n; ++p) {
    const float px = sim.x0[p], py = sim.x1[p];
    if (!(px >= 0.0f && px <= 1.0f && py >= 0.0f && py <= 1.0f)) {
      if (bad == 0)
        std::fprintf(stderr, "error: particle %ld at (%g, %g) is NaN or outside [0, 1]\n", p,
                     double(px), double(py));
      ++bad;
    }
    sx += px;
    sy += py;
  }

  const double ns = (t1 - t0) * 1e9 / (double(args.particles) * double(args.steps));
  std::printf("particles=%ld grid=%d steps=%ld warmup=%d\n", args.particles, args.grid, args.steps,
              args.warmup);
  std::printf("ns_per_particle_substep=%.3f\n", ns);
  std::printf("mean_x=%.9g mean_y=%.9g\n", sx / double(sim.n), sy / double(sim.n));
  std::printf("threads=%d\n", threads);
  std::printf("dt=%.9g\n", double(sim.dt));
  if (bad > 0) {
    std::fprintf(stderr, "error: %ld particles NaN or outside [0, 1]\n", bad);
    return 1;
  }
  return 0;
}
