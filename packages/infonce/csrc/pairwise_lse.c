/*
 * Fused pairwise log-sum-exp of @cl/infonce, for wasm32 + SIMD128 (no libc).
 * Math: packages/infonce/src/pairwise-lse-kernel.ts (the contract). Built by scripts/build-kernel.mjs.
 *
 * For anchors a [n, d] (a block of rows), candidates b [m, d] and weights w [d]:
 *   'lp':  l_ij = -sum_k w_k |a_ik - b_jk|^p      'dot': l_ij = sum_k w_k a_ik b_jk
 *   lse_i = log sum_{j in J(i)} exp(l_ij), J(i) = all j, or all j != i + self_offset when exclude_self.
 * Rows are processed in blocks of ROWS, candidates in tiles of TILE (the logits of a block x tile live in a 4 KiB
 * buffer, the candidate tile in b^T layout is d x TILE floats): never an n x m buffer. The row sum uses an online
 * maximum (one rescale per tile) so it stays well conditioned; tile sums run in float32 SIMD lanes and are added to a
 * float64 running sum.
 *
 * Memory: the host calls cl_workspace(n, m, d) and copies its inputs to the returned slots (see cl_ptr_*); the
 * workspace grows the linear memory only when a call needs more than any earlier one.
 */
#include <wasm_simd128.h>

#define ROWS 4
#define TILE 256
#define EXPORT(name) __attribute__((export_name(#name)))

typedef unsigned int u32;
typedef unsigned long long u64;

enum { FORM_DOT = 0, FORM_P2 = 1, FORM_P1 = 2, FORM_PGEN = 3 };

static const float MASK_VALUE = -1e9f;
static const float SMALL_P_EPS = 1e-12f;

/* ------------------------------------------------------------------ float32 SIMD exp / log */

/*
 * exp(x), float32 x4: x = n ln2 + r with |r| <= ln2/2 (ln2 split hi/lo, Cody-Waite), exp(r) = 1 + r + r^2 q(r) with
 * q a quartic fitted for minimal relative error (3.1e-9 in exact arithmetic; see docs/kernel.md for the float32
 * error), times 2^n built in the exponent bits. n is rounded with the 1.5 * 2^23 "magic number" addition, whose
 * low mantissa bits are n itself (no float->int conversion, which wasm saturates at a cost of five x86 instructions).
 * Arguments are clamped to [-88, 88] with pmax/pmin (one instruction each, unlike f32x4.max): at -88, n = -127 and
 * 2^n is built as +0, so every x <= -88 (-inf included) gives exactly 0; x in (-88, -87.33] gives a subnormal or 0.
 * NaN propagates. `bounded` = 0 skips the upper clamp (arguments <= 0: x - max, l - lse).
 */
static inline __attribute__((always_inline)) v128_t vexp_impl(v128_t x, int bounded) {
  const v128_t magic = wasm_f32x4_splat(12582912.0f); /* 1.5 * 2^23 */
  v128_t xc = wasm_f32x4_pmax(x, wasm_f32x4_splat(-88.0f));
  if (bounded) xc = wasm_f32x4_pmin(xc, wasm_f32x4_splat(88.0f));
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(xc, wasm_f32x4_splat(1.44269504088896341f)), magic);
  v128_t n = wasm_f32x4_sub(t, magic);
  v128_t r = wasm_f32x4_sub(xc, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t q = wasm_f32x4_splat(0.0013814592966809869f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), wasm_f32x4_splat(0.008368708193302155f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), wasm_f32x4_splat(0.04166838899254799f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), wasm_f32x4_splat(0.1666652113199234f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), wasm_f32x4_splat(0.4999999403953552f));
  v128_t y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(q, wasm_f32x4_mul(r, r)), r), wasm_f32x4_splat(1.0f));
  /* bits(t) = bits(magic) + n, and bits(magic) << 23 vanishes mod 2^32: (bits(t) << 23) + (127 << 23) = 2^n */
  v128_t s1 = wasm_i32x4_add(wasm_i32x4_shl(t, 23), wasm_i32x4_splat(127 << 23));
  return wasm_f32x4_mul(y, s1);
}
static inline __attribute__((always_inline)) v128_t vexp(v128_t x) { return vexp_impl(x, 1); }
static inline __attribute__((always_inline)) v128_t vexp_nonpos(v128_t x) { return vexp_impl(x, 0); }

/*
 * log(x) for x > 0, float32 x4 (Cephes logf): x = 2^e m with m in [sqrt(1/2), sqrt(2)), log(1 + f) by a degree-9
 * polynomial. x = 0 gives -inf, NaN and +inf pass through. Used only by the general-p form (|x|^p = exp(p log|x|)).
 */
static inline v128_t vlog(v128_t x) {
  v128_t zero = wasm_f32x4_eq(x, wasm_f32x4_splat(0.0f));
  v128_t bits = x;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(1.41421356237f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
  e = wasm_i32x4_sub(e, big); /* big is all ones (-1) where m was halved */
  v128_t f = wasm_f32x4_sub(m, wasm_f32x4_splat(1.0f));
  v128_t z = wasm_f32x4_mul(f, f);
  v128_t y = wasm_f32x4_splat(7.0376836292e-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.1514610310e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.1676998740e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.2420140846e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.4249322787e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.6668057665e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(2.0000714765e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-2.4999993993e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, f), z);
  v128_t ef = wasm_f32x4_convert_i32x4(e);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, wasm_f32x4_splat(0.5f)));
  y = wasm_f32x4_add(wasm_f32x4_add(f, y), wasm_f32x4_mul(ef, wasm_f32x4_splat(0.693359375f)));
  y = wasm_v128_bitselect(wasm_f32x4_splat(-__builtin_inff()), y, zero);
  /* NaN and +inf pass through (the bit manipulation above would turn them into finite values) */
  v128_t special = wasm_v128_or(wasm_f32x4_ne(x, x), wasm_f32x4_eq(x, wasm_f32x4_splat(__builtin_inff())));
  return wasm_v128_bitselect(x, y, special);
}

/* Exported for the accuracy test: out[i] = exp(x[i]) (or log) for i < n (n a multiple of 4). */
EXPORT(cl_vexp) void cl_vexp(const float *x, float *out, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(out + i, vexp(wasm_v128_load(x + i)));
}
EXPORT(cl_vlog) void cl_vlog(const float *x, float *out, int n) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(out + i, vlog(wasm_v128_load(x + i)));
}

/* ------------------------------------------------------------------ float64 scalar exp / log (once per row / tile) */

typedef union { double d; u64 u; } dbits;

/* exp(x) for x <= 0 in float64: x = n ln2 + r, Taylor series of degree 13 on |r| <= ln2/2 (error < 1e-16). */
static double dexp_nonpos(double x) {
  if (!(x > -708.0)) return 0.0; /* also -inf */
  double n = __builtin_nearbyint(x * 1.4426950408889634);
  double r = (x - n * 0.6931471803691238) - n * 1.9082149292705877e-10;
  double t = 1.0;
  for (int i = 13; i >= 1; --i) t = 1.0 + t * r / (double)i;
  dbits s;
  s.u = (u64)((long long)n + 1023) << 52;
  return t * s.d;
}

/* log(x) for finite x > 0 in float64: x = 2^e m, m in [sqrt(1/2), sqrt(2)), 2 atanh((m-1)/(m+1)) series. */
static double dlog_pos(double x) {
  dbits b;
  b.d = x;
  long long e = (long long)((b.u >> 52) & 0x7ff) - 1023;
  b.u = (b.u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m = b.d;
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  double z = (m - 1.0) / (m + 1.0), z2 = z * z, term = z, sum = 0.0;
  for (int i = 1; i <= 27; i += 2) {
    sum += term / (double)i;
    term *= z2;
  }
  return 2.0 * sum + (double)e * 0.6931471805599453;
}

/* ------------------------------------------------------------------ workspace */

extern unsigned char __heap_base;

#define NBUF 17
static u32 ws_cap = 0; /* bytes reserved after __heap_base */
static float *p_a, *p_b, *p_w, *p_lse, *p_dy, *p_da, *p_db, *p_dw, *p_bt, *p_dbt, *p_nb, *p_cs;
/* per-call scratch (never on the stack: the wasm stack is 64 KiB and d is unbounded) */
static float *p_ac, *p_aw, *p_center;
static double *p_daacc, *p_dwacc;
static int ws_mp = 0;

static inline u32 align16(u32 x) { return (x + 15u) & ~15u; }

/*
 * Lay out the buffers of a call with n anchor rows, m candidates and d dimensions; grows the memory only when a call
 * needs more than every earlier one. Returns 0 on success, -1 when the memory cannot grow.
 */
EXPORT(cl_workspace) int cl_workspace(int n, int m, int d) {
  if (n < 0 || m < 0 || d < 0) return -1;
  /* reject anything that would not fit the 32-bit address space before computing 32-bit sizes */
  u64 total = ((u64)n + (u64)m + 8u) * ((u64)d + 4u) * 64u;
  if (total > 0xF0000000ull) return -1;
  u32 mp = (u32)(m + 3) & ~3u, un = (u32)n, um = (u32)m, ud = (u32)d;
  u32 sizes[NBUF] = {un * ud * 4, um * ud * 4, ud * 4,      un * 4,      un * 4,      un * ud * 4,
                     um * ud * 4, ud * 4,      mp * ud * 4, mp * ud * 4, mp * 4,      mp * 4,
                     ROWS * ud * 4, ROWS * ud * 4, ud * 4,  ROWS * ud * 8, ud * 8};
  u32 base = align16((u32)(unsigned long)&__heap_base);
  u32 off = base;
  u32 offs[NBUF];
  for (int i = 0; i < NBUF; ++i) {
    offs[i] = off;
    off = align16(off + sizes[i]);
  }
  u32 need = off - base;
  if (need > ws_cap) {
    u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
    if (off > have) {
      u32 pages = (off - have + 65535u) / 65536u;
      if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) return -1;
    }
    ws_cap = need;
  }
  float **slots[NBUF - 2] = {&p_a,  &p_b,   &p_w,  &p_lse, &p_dy, &p_da, &p_db,  &p_dw,
                            &p_bt, &p_dbt, &p_nb, &p_cs,  &p_ac, &p_aw, &p_center};
  for (int i = 0; i < NBUF - 2; ++i) *slots[i] = (float *)(unsigned long)offs[i];
  p_daacc = (double *)(unsigned long)offs[NBUF - 2];
  p_dwacc = (double *)(unsigned long)offs[NBUF - 1];
  ws_mp = (int)mp;
  return 0;
}

EXPORT(cl_ptr_a) float *cl_ptr_a(void) { return p_a; }
EXPORT(cl_ptr_b) float *cl_ptr_b(void) { return p_b; }
EXPORT(cl_ptr_w) float *cl_ptr_w(void) { return p_w; }
EXPORT(cl_ptr_lse) float *cl_ptr_lse(void) { return p_lse; }
EXPORT(cl_ptr_dy) float *cl_ptr_dy(void) { return p_dy; }
EXPORT(cl_ptr_da) float *cl_ptr_da(void) { return p_da; }
EXPORT(cl_ptr_db) float *cl_ptr_db(void) { return p_db; }
EXPORT(cl_ptr_dw) float *cl_ptr_dw(void) { return p_dw; }


/*
 * b [m, d] -> bT [d, mp], zero padded. p = 2: b is centred first (at its mean, into p_center: distances are
 * translation invariant, centring limits the cancellation of the expanded form) and nb_j = sum_k w_k b_jk^2.
 */
static void prepare_b(int form, int m, int mp, int d) {
  int center = form == FORM_P2 && m > 0;
  for (int k = 0; k < d; ++k) {
    float c = 0.0f;
    if (center) {
      double s = 0.0;
      for (int j = 0; j < m; ++j) s += (double)p_b[(u32)j * d + k];
      c = (float)(s / (double)m);
    }
    p_center[k] = c;
    float *row = p_bt + (u32)k * mp;
    for (int j = 0; j < m; ++j) row[j] = p_b[(u32)j * d + k] - c;
    for (int j = m; j < mp; ++j) row[j] = 0.0f;
  }
  if (form == FORM_P2) {
    for (int j = 0; j < mp; ++j) p_nb[j] = 0.0f;
    for (int k = 0; k < d; ++k) {
      const float *row = p_bt + (u32)k * mp;
      float wk = p_w[k];
      for (int j = 0; j < mp; ++j) p_nb[j] += wk * row[j] * row[j];
    }
  }
}

/* ------------------------------------------------------------------ per-form elementwise pieces (p = 1, general p) */

static float g_p = 2.0f;

/* t = |x|^p */
static inline __attribute__((always_inline)) v128_t pow_abs(int form, v128_t x) {
  if (form == FORM_P1) return wasm_f32x4_abs(x);
  v128_t ax = wasm_f32x4_abs(x);
  if (g_p < 1.0f) ax = wasm_f32x4_add(ax, wasm_f32x4_splat(SMALL_P_EPS));
  return vexp(wasm_f32x4_mul(wasm_f32x4_splat(g_p), vlog(ax)));
}

/* sign(x) with sign(0) = 0 (torch's convention for d|x|/dx at 0, as cl-ica) */
static inline v128_t sign0(v128_t x) {
  v128_t one = wasm_v128_and(wasm_f32x4_splat(1.0f), wasm_f32x4_ne(x, wasm_f32x4_splat(0.0f)));
  return wasm_v128_or(one, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000u)));
}

/* t = |x|^p and dt = d t / dx */
static inline __attribute__((always_inline)) void pow_abs_grad(int form, v128_t x, v128_t *t, v128_t *dt) {
  if (form == FORM_P1) {
    *t = wasm_f32x4_abs(x);
    *dt = sign0(x);
    return;
  }
  v128_t ax = wasm_f32x4_abs(x);
  if (g_p < 1.0f) ax = wasm_f32x4_add(ax, wasm_f32x4_splat(SMALL_P_EPS));
  v128_t tt = vexp(wasm_f32x4_mul(wasm_f32x4_splat(g_p), vlog(ax)));
  /* p (|x| + eps)^(p-1) sign(x) = p t / (|x| + eps) sign(x), with sign(0) = 0: exactly 0 where x = 0 (p > 1: the
   * limit; p < 1: the stock gradient, tf.abs' sign(0) = 0, even though |x| + eps > 0 there; p = 1 is FORM_P1) */
  v128_t q = wasm_f32x4_div(wasm_f32x4_mul(wasm_f32x4_splat(g_p), tt), ax);
  q = wasm_v128_and(q, wasm_f32x4_ne(x, wasm_f32x4_splat(0.0f)));
  *t = tt;
  *dt = wasm_v128_or(q, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000u)));
}

/* ------------------------------------------------------------------ a block of ROWS rows */

#define MAXD_STACK 256

typedef struct {
  const float *ar[ROWS]; /* row r of a (p = 2: centred copy) */
  float *ac;             /* [ROWS, d] centred rows (p = 2) */
  float *aw;             /* [ROWS, d] 'dot': a w; p = 2: 2 w (a - c) */
  float na[ROWS];        /* p = 2: sum_k w_k (a_rk - c_k)^2 */
  int self[ROWS];        /* global candidate index of the row */
} Block;

/* Rows i0.. of the block (the last row repeated past n). */
static inline __attribute__((always_inline)) void block_rows(int form, Block *B, int i0, int n, int d, int self_offset) {
  for (int r = 0; r < ROWS; ++r) {
    int i = i0 + r < n ? i0 + r : n - 1;
    const float *src = p_a + (u32)i * d;
    B->self[r] = i0 + r + self_offset;
    B->ar[r] = src;
    if (form == FORM_DOT) {
      for (int k = 0; k < d; ++k) B->aw[r * d + k] = src[k] * p_w[k];
    } else if (form == FORM_P2) {
      double na = 0.0;
      for (int k = 0; k < d; ++k) {
        float x = src[k] - p_center[k];
        B->ac[r * d + k] = x;
        B->aw[r * d + k] = 2.0f * p_w[k] * x;
        na += (double)(p_w[k] * x * x);
      }
      B->na[r] = (float)na;
      B->ar[r] = B->ac + r * d;
    }
  }
}

/* ------------------------------------------------------------------ logits of a row block x candidate tile */

static float L[ROWS * TILE] __attribute__((aligned(16)));

/*
 * L[r][j - j0] = l_{row r, j} for j in [j0, j1) (j1 - j0 a multiple of 4); excluded and padding candidates get -inf.
 * 'dot' and p = 2 are bilinear: p = 2 uses l = 2 (w a)·b - |a|_w^2 - |b|_w^2 on centred a, b (two flops per term).
 */
static inline __attribute__((always_inline)) void tile_logits(int form, const Block *B, int j0, int j1, int m, int mp,
                                                              int d, int exclude) {
  if (form == FORM_DOT || form == FORM_P2) {
    /* 4 rows x 8 candidates per step (tiles are multiples of 8 except possibly the last: mp is a multiple of 4) */
    const float *aw = B->aw;
    int j = j0;
    for (; j + 8 <= j1; j += 8) {
      v128_t z = wasm_f32x4_splat(0.0f);
      v128_t c0 = z, c1 = z, c2 = z, c3 = z, e0 = z, e1 = z, e2 = z, e3 = z;
      if (form == FORM_P2) {
        v128_t nb = wasm_v128_load(p_nb + j), nb2 = wasm_v128_load(p_nb + j + 4);
        v128_t n0 = wasm_f32x4_splat(B->na[0]), n1 = wasm_f32x4_splat(B->na[1]);
        v128_t n2 = wasm_f32x4_splat(B->na[2]), n3 = wasm_f32x4_splat(B->na[3]);
        c0 = wasm_f32x4_neg(wasm_f32x4_add(nb, n0));
        c1 = wasm_f32x4_neg(wasm_f32x4_add(nb, n1));
        c2 = wasm_f32x4_neg(wasm_f32x4_add(nb, n2));
        c3 = wasm_f32x4_neg(wasm_f32x4_add(nb, n3));
        e0 = wasm_f32x4_neg(wasm_f32x4_add(nb2, n0));
        e1 = wasm_f32x4_neg(wasm_f32x4_add(nb2, n1));
        e2 = wasm_f32x4_neg(wasm_f32x4_add(nb2, n2));
        e3 = wasm_f32x4_neg(wasm_f32x4_add(nb2, n3));
      }
      const float *bcol = p_bt + j;
      for (int k = 0; k < d; ++k) {
        v128_t bv = wasm_v128_load(bcol + (u32)k * mp), bw = wasm_v128_load(bcol + (u32)k * mp + 4);
        v128_t x0 = wasm_v128_load32_splat(aw + k), x1 = wasm_v128_load32_splat(aw + d + k);
        v128_t x2 = wasm_v128_load32_splat(aw + 2 * d + k), x3 = wasm_v128_load32_splat(aw + 3 * d + k);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x0, bv));
        e0 = wasm_f32x4_add(e0, wasm_f32x4_mul(x0, bw));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x1, bv));
        e1 = wasm_f32x4_add(e1, wasm_f32x4_mul(x1, bw));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(x2, bv));
        e2 = wasm_f32x4_add(e2, wasm_f32x4_mul(x2, bw));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(x3, bv));
        e3 = wasm_f32x4_add(e3, wasm_f32x4_mul(x3, bw));
      }
      int o = j - j0;
      wasm_v128_store(L + o, c0);
      wasm_v128_store(L + o + 4, e0);
      wasm_v128_store(L + TILE + o, c1);
      wasm_v128_store(L + TILE + o + 4, e1);
      wasm_v128_store(L + 2 * TILE + o, c2);
      wasm_v128_store(L + 2 * TILE + o + 4, e2);
      wasm_v128_store(L + 3 * TILE + o, c3);
      wasm_v128_store(L + 3 * TILE + o + 4, e3);
    }
    for (; j < j1; j += 4) {
      v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
      const float *bcol = p_bt + j;
      if (form == FORM_P2) {
        v128_t nb = wasm_v128_load(p_nb + j);
        acc0 = wasm_f32x4_neg(wasm_f32x4_add(nb, wasm_f32x4_splat(B->na[0])));
        acc1 = wasm_f32x4_neg(wasm_f32x4_add(nb, wasm_f32x4_splat(B->na[1])));
        acc2 = wasm_f32x4_neg(wasm_f32x4_add(nb, wasm_f32x4_splat(B->na[2])));
        acc3 = wasm_f32x4_neg(wasm_f32x4_add(nb, wasm_f32x4_splat(B->na[3])));
      }
      for (int k = 0; k < d; ++k) {
        v128_t bv = wasm_v128_load(bcol + (u32)k * mp);
        acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load32_splat(aw + k), bv));
        acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load32_splat(aw + d + k), bv));
        acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(wasm_v128_load32_splat(aw + 2 * d + k), bv));
        acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(wasm_v128_load32_splat(aw + 3 * d + k), bv));
      }
      int o = j - j0;
      wasm_v128_store(L + o, acc0);
      wasm_v128_store(L + TILE + o, acc1);
      wasm_v128_store(L + 2 * TILE + o, acc2);
      wasm_v128_store(L + 3 * TILE + o, acc3);
    }
  } else for (int j = j0; j < j1; j += 4) {
    v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    const float *bcol = p_bt + j;
    {
      for (int k = 0; k < d; ++k) {
        v128_t bv = wasm_v128_load(bcol + (u32)k * mp);
        v128_t wk = wasm_v128_load32_splat(p_w + k);
        acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wk, pow_abs(form, wasm_f32x4_sub(wasm_v128_load32_splat(B->ar[0] + k), bv))));
        acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wk, pow_abs(form, wasm_f32x4_sub(wasm_v128_load32_splat(B->ar[1] + k), bv))));
        acc2 = wasm_f32x4_add(acc2, wasm_f32x4_mul(wk, pow_abs(form, wasm_f32x4_sub(wasm_v128_load32_splat(B->ar[2] + k), bv))));
        acc3 = wasm_f32x4_add(acc3, wasm_f32x4_mul(wk, pow_abs(form, wasm_f32x4_sub(wasm_v128_load32_splat(B->ar[3] + k), bv))));
      }
      acc0 = wasm_f32x4_neg(acc0);
      acc1 = wasm_f32x4_neg(acc1);
      acc2 = wasm_f32x4_neg(acc2);
      acc3 = wasm_f32x4_neg(acc3);
    }
    int o = j - j0;
    wasm_v128_store(L + o, acc0);
    wasm_v128_store(L + TILE + o, acc1);
    wasm_v128_store(L + 2 * TILE + o, acc2);
    wasm_v128_store(L + 3 * TILE + o, acc3);
  }
  const float ninf = -__builtin_inff();
  for (int r = 0; r < ROWS; ++r) {
    for (int j = (m > j0 ? m : j0); j < j1; ++j) L[r * TILE + (j - j0)] = ninf;
    if (exclude && B->self[r] >= j0 && B->self[r] < j1) L[r * TILE + (B->self[r] - j0)] = ninf;
  }
}

static inline float hmax(v128_t v) {
  float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  float c = wasm_f32x4_extract_lane(v, 2), e = wasm_f32x4_extract_lane(v, 3);
  float x = a > b ? a : b, y = c > e ? c : e;
  return x > y ? x : y;
}
static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

/*
 * Each form's tile functions are separate (noinline) functions: small functions keep V8's register allocator from
 * spilling the accumulators of the hot loops (one big inlined driver spilled heavily).
 */
#define TILE_FN(F, name)                                                                                              \
  static __attribute__((noinline)) void name(const Block *B, int j0, int j1, int m, int mp, int d, int exclude) {     \
    tile_logits(F, B, j0, j1, m, mp, d, exclude);                                                                     \
  }
TILE_FN(FORM_DOT, tile_logits_dot)
TILE_FN(FORM_P2, tile_logits_p2)
TILE_FN(FORM_P1, tile_logits_p1)
TILE_FN(FORM_PGEN, tile_logits_pgen)

static inline __attribute__((always_inline)) void tile_logits_of(int form, const Block *B, int j0, int j1, int m,
                                                                 int mp, int d, int exclude) {
  switch (form) {
    case FORM_DOT: tile_logits_dot(B, j0, j1, m, mp, d, exclude); break;
    case FORM_P2: tile_logits_p2(B, j0, j1, m, mp, d, exclude); break;
    case FORM_P1: tile_logits_p1(B, j0, j1, m, mp, d, exclude); break;
    default: tile_logits_pgen(B, j0, j1, m, mp, d, exclude); break;
  }
}

/* max of a row's tile of logits */
static __attribute__((noinline)) float tile_max(const float *lr, int len) {
  v128_t vm = wasm_f32x4_splat(-__builtin_inff());
  for (int o = 0; o < len; o += 4) vm = wasm_f32x4_pmax(vm, wasm_v128_load(lr + o));
  return hmax(vm);
}

/* does a row's tile hold a NaN (only asked when its pmax found no finite maximum) */
static __attribute__((noinline)) int tile_has_nan(const float *lr, int len) {
  for (int o = 0; o < len; ++o)
    if (lr[o] != lr[o]) return 1;
  return 0;
}

/* sum of exp(l - shift) over a row's tile (float32 lanes) */
static __attribute__((noinline)) float tile_expsum(const float *lr, int len, float shift) {
  v128_t vs = wasm_f32x4_splat(0.0f), sh = wasm_f32x4_splat(shift);
  for (int o = 0; o < len; o += 4) vs = wasm_f32x4_add(vs, vexp_nonpos(wasm_f32x4_sub(wasm_v128_load(lr + o), sh)));
  return hsum(vs);
}

/* l <- G = dy exp(l - lse) in place; returns the tile's sum of G */
static __attribute__((noinline)) float tile_g(float *lr, int len, float lse, float dy) {
  v128_t sh = wasm_f32x4_splat(lse), g = wasm_f32x4_splat(dy), s = wasm_f32x4_splat(0.0f);
  for (int o = 0; o < len; o += 4) {
    v128_t gv = wasm_f32x4_mul(g, vexp_nonpos(wasm_f32x4_sub(wasm_v128_load(lr + o), sh)));
    s = wasm_f32x4_add(s, gv);
    wasm_v128_store(lr + o, gv);
  }
  return hsum(s);
}

/* ------------------------------------------------------------------ forward */

static inline __attribute__((always_inline)) void forward_impl(int form, int n, int m, int d, int exclude,
                                                               int self_offset) {
  int mp = ws_mp;
  prepare_b(form, m, mp, d);
  Block B;
  B.ac = p_ac;
  B.aw = p_aw;
  for (int i0 = 0; i0 < n; i0 += ROWS) {
    block_rows(form, &B, i0, n, d, self_offset);
    float mx[ROWS];
    double sum[ROWS];
    for (int r = 0; r < ROWS; ++r) {
      mx[r] = -__builtin_inff();
      sum[r] = 0.0;
    }
    for (int j0 = 0; j0 < mp; j0 += TILE) {
      int j1 = j0 + TILE < mp ? j0 + TILE : mp;
      tile_logits_of(form, &B, j0, j1, m, mp, d, exclude);
      for (int r = 0; r < ROWS; ++r) {
        const float *lr = L + r * TILE;
        float tm = tile_max(lr, j1 - j0);
        if (!(tm > -__builtin_inff())) {
          /* every candidate of the tile excluded, or NaN (pmax skips NaN): keep NaN visible in the sum */
          if (tile_has_nan(lr, j1 - j0)) sum[r] = __builtin_nanf("");
          continue;
        }
        if (tm > mx[r]) {
          sum[r] *= dexp_nonpos((double)mx[r] - (double)tm);
          mx[r] = tm;
        }
        sum[r] += (double)tile_expsum(lr, j1 - j0, mx[r]);
      }
    }
    for (int r = 0; r < ROWS && i0 + r < n; ++r)
      p_lse[i0 + r] = sum[r] != sum[r]                ? __builtin_nanf("")
                      : mx[r] > -__builtin_inff() ? (float)((double)mx[r] + dlog_pos(sum[r]))
                                                  : MASK_VALUE;
  }
}

/*
 * lse of the n rows in the workspace against the m candidates. form: 0 dot, 1 lp p=2, 2 lp p=1, 3 lp general p.
 * self_offset: global candidate index of row 0 (rowOffset of the contract plus the block's first row).
 */
EXPORT(cl_forward) void cl_forward(int n, int m, int d, int form, float p, int exclude, int self_offset) {
  g_p = p;
  switch (form) {
    case FORM_DOT: forward_impl(FORM_DOT, n, m, d, exclude, self_offset); break;
    case FORM_P2: forward_impl(FORM_P2, n, m, d, exclude, self_offset); break;
    case FORM_P1: forward_impl(FORM_P1, n, m, d, exclude, self_offset); break;
    default: forward_impl(FORM_PGEN, n, m, d, exclude, self_offset); break;
  }
}

/* ------------------------------------------------------------------ backward */

/*
 * The gradient sums of a row block x candidate tile, G in L: per dimension k, the row sums (G b)_rk or
 * sum_j G t'(a_rk - b_jk) into daacc, the column sums into dbT, and ('lp' p = 1, general p) sum G t into dwacc.
 */
static inline __attribute__((always_inline)) void grad_tile(int form, const Block *B, int j0, int len, int mp, int d,
                                                            double *daacc, double *dwacc) {
  int bilinear = form == FORM_DOT || form == FORM_P2;
  const float *G0 = L, *G1 = L + TILE, *G2 = L + 2 * TILE, *G3 = L + 3 * TILE;
  for (int k = 0; k < d; ++k) {
    const float *bk = p_bt + (u32)k * mp + j0;
    float *dbk = p_dbt + (u32)k * mp + j0;
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0, sw = s0;
    v128_t a0 = wasm_v128_load32_splat(B->ar[0] + k), a1 = wasm_v128_load32_splat(B->ar[1] + k);
    v128_t a2 = wasm_v128_load32_splat(B->ar[2] + k), a3 = wasm_v128_load32_splat(B->ar[3] + k);
    if (bilinear) {
      for (int o = 0; o < len; o += 4) {
        v128_t bv = wasm_v128_load(bk + o);
        v128_t g0 = wasm_v128_load(G0 + o), g1 = wasm_v128_load(G1 + o);
        v128_t g2 = wasm_v128_load(G2 + o), g3 = wasm_v128_load(G3 + o);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(g0, bv));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(g1, bv));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(g2, bv));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(g3, bv));
        v128_t ga = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(g0, a0), wasm_f32x4_mul(g1, a1)),
                                   wasm_f32x4_add(wasm_f32x4_mul(g2, a2), wasm_f32x4_mul(g3, a3)));
        wasm_v128_store(dbk + o, wasm_f32x4_add(wasm_v128_load(dbk + o), ga));
      }
    } else {
      for (int o = 0; o < len; o += 4) {
        v128_t bv = wasm_v128_load(bk + o), t, dt, gd, g, acc;
        g = wasm_v128_load(G0 + o);
        pow_abs_grad(form, wasm_f32x4_sub(a0, bv), &t, &dt);
        gd = wasm_f32x4_mul(g, dt);
        s0 = wasm_f32x4_add(s0, gd);
        acc = gd;
        sw = wasm_f32x4_add(sw, wasm_f32x4_mul(g, t));
        g = wasm_v128_load(G1 + o);
        pow_abs_grad(form, wasm_f32x4_sub(a1, bv), &t, &dt);
        gd = wasm_f32x4_mul(g, dt);
        s1 = wasm_f32x4_add(s1, gd);
        acc = wasm_f32x4_add(acc, gd);
        sw = wasm_f32x4_add(sw, wasm_f32x4_mul(g, t));
        g = wasm_v128_load(G2 + o);
        pow_abs_grad(form, wasm_f32x4_sub(a2, bv), &t, &dt);
        gd = wasm_f32x4_mul(g, dt);
        s2 = wasm_f32x4_add(s2, gd);
        acc = wasm_f32x4_add(acc, gd);
        sw = wasm_f32x4_add(sw, wasm_f32x4_mul(g, t));
        g = wasm_v128_load(G3 + o);
        pow_abs_grad(form, wasm_f32x4_sub(a3, bv), &t, &dt);
        gd = wasm_f32x4_mul(g, dt);
        s3 = wasm_f32x4_add(s3, gd);
        acc = wasm_f32x4_add(acc, gd);
        sw = wasm_f32x4_add(sw, wasm_f32x4_mul(g, t));
        wasm_v128_store(dbk + o, wasm_f32x4_add(wasm_v128_load(dbk + o), acc));
      }
    }
    daacc[k] += (double)hsum(s0);
    daacc[d + k] += (double)hsum(s1);
    daacc[2 * d + k] += (double)hsum(s2);
    daacc[3 * d + k] += (double)hsum(s3);
    dwacc[k] += (double)hsum(sw);
  }
}
#define GRAD_FN(F, name)                                                                                              \
  static __attribute__((noinline)) void name(const Block *B, int j0, int len, int mp, int d, double *daacc,          \
                                             double *dwacc) {                                                         \
    grad_tile(F, B, j0, len, mp, d, daacc, dwacc);                                                                    \
  }
GRAD_FN(FORM_DOT, grad_tile_dot)
GRAD_FN(FORM_P2, grad_tile_p2)
GRAD_FN(FORM_P1, grad_tile_p1)
GRAD_FN(FORM_PGEN, grad_tile_pgen)

/*
 * With G_ij = dy_i exp(l_ij - lse_i):
 *  'dot': da_ik = w_k (G b)_ik, db_jk = w_k (G^T a)_jk, dw_k = sum_i a_ik (G b)_ik
 *  p = 2 (centred a, b; rs_i = sum_j G_ij, cs_j = sum_i G_ij):
 *         da_ik = -2 w_k (a_ik rs_i - (G b)_ik), db_jk = 2 w_k ((G^T a)_jk - b_jk cs_j),
 *         dw_k = -(sum_i a_ik^2 rs_i - 2 sum_i a_ik (G b)_ik + sum_j b_jk^2 cs_j)
 *  p = 1, general p (t = |a - b|^p, t' its derivative in a): da_ik = -w_k sum_j G_ij t'_ijk,
 *         db_jk = w_k sum_i G_ij t'_ijk, dw_k = -sum_ij G_ij t_ijk
 */
static inline __attribute__((always_inline)) void backward_impl(int form, int n, int m, int d, int exclude,
                                                                int self_offset) {
  int mp = ws_mp;
  prepare_b(form, m, mp, d);
  for (u32 q = 0; q < (u32)mp * d; ++q) p_dbt[q] = 0.0f;
  for (int j = 0; j < mp; ++j) p_cs[j] = 0.0f;
  double *dwacc = p_dwacc, *daacc = p_daacc;
  Block B;
  B.ac = p_ac;
  B.aw = p_aw;
  for (int k = 0; k < d; ++k) dwacc[k] = 0.0;
  for (int i0 = 0; i0 < n; i0 += ROWS) {
    float dyr[ROWS], lser[ROWS];
    double rs[ROWS];
    block_rows(form, &B, i0, n, d, self_offset);
    for (int r = 0; r < ROWS; ++r) {
      int in = i0 + r < n;
      dyr[r] = in ? p_dy[i0 + r] : 0.0f;
      lser[r] = in ? p_lse[i0 + r] : 0.0f;
      rs[r] = 0.0;
    }
    for (int q = 0; q < ROWS * d; ++q) daacc[q] = 0.0;
    for (int j0 = 0; j0 < mp; j0 += TILE) {
      int j1 = j0 + TILE < mp ? j0 + TILE : mp;
      int len = j1 - j0;
      tile_logits_of(form, &B, j0, j1, m, mp, d, exclude);
      /* L <- G = dy_i exp(l_ij - lse_i) */
      for (int r = 0; r < ROWS; ++r) rs[r] += (double)tile_g(L + r * TILE, len, lser[r], dyr[r]);
      const float *G0 = L, *G1 = L + TILE, *G2 = L + 2 * TILE, *G3 = L + 3 * TILE;
      if (form == FORM_P2) {
        for (int o = 0; o < len; o += 4) {
          v128_t c = wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(G0 + o), wasm_v128_load(G1 + o)),
                                    wasm_f32x4_add(wasm_v128_load(G2 + o), wasm_v128_load(G3 + o)));
          wasm_v128_store(p_cs + j0 + o, wasm_f32x4_add(wasm_v128_load(p_cs + j0 + o), c));
        }
      }
      switch (form) {
        case FORM_DOT: grad_tile_dot(&B, j0, len, mp, d, daacc, dwacc); break;
        case FORM_P2: grad_tile_p2(&B, j0, len, mp, d, daacc, dwacc); break;
        case FORM_P1: grad_tile_p1(&B, j0, len, mp, d, daacc, dwacc); break;
        default: grad_tile_pgen(&B, j0, len, mp, d, daacc, dwacc); break;
      }
    }
    for (int r = 0; r < ROWS && i0 + r < n; ++r) {
      for (int k = 0; k < d; ++k) {
        double s = daacc[r * d + k], wk = (double)p_w[k], x = (double)B.ar[r][k];
        float *out = p_da + (u32)(i0 + r) * d + k;
        if (form == FORM_DOT) {
          *out = (float)(s * wk);
          dwacc[k] += s * x;
        } else if (form == FORM_P2) {
          *out = (float)(-2.0 * wk * (x * rs[r] - s));
          dwacc[k] += x * x * rs[r] - 2.0 * x * s;
        } else {
          *out = (float)(-s * wk);
        }
      }
    }
  }
  for (int j = 0; j < m; ++j) {
    for (int k = 0; k < d; ++k) {
      float g = p_dbt[(u32)k * mp + j], wk = p_w[k];
      if (form == FORM_P2) {
        float bjk = p_bt[(u32)k * mp + j];
        p_db[(u32)j * d + k] = 2.0f * wk * (g - bjk * p_cs[j]);
      } else {
        p_db[(u32)j * d + k] = g * wk;
      }
    }
  }
  if (form == FORM_P2) {
    for (int k = 0; k < d; ++k) {
      const float *row = p_bt + (u32)k * mp;
      double s = 0.0;
      for (int j = 0; j < m; ++j) s += (double)row[j] * (double)row[j] * (double)p_cs[j];
      dwacc[k] += s;
    }
  }
  for (int k = 0; k < d; ++k) p_dw[k] = (float)(form == FORM_DOT ? dwacc[k] : -dwacc[k]);
}

/*
 * Gradient of sum_i dy_i lse_i for the n rows in the workspace (lse and dy filled by the host): da [n, d], and this
 * block's part of db [m, d] and dw [d] (all written, not accumulated).
 */
EXPORT(cl_backward) void cl_backward(int n, int m, int d, int form, float p, int exclude, int self_offset) {
  g_p = p;
  switch (form) {
    case FORM_DOT: backward_impl(FORM_DOT, n, m, d, exclude, self_offset); break;
    case FORM_P2: backward_impl(FORM_P2, n, m, d, exclude, self_offset); break;
    case FORM_P1: backward_impl(FORM_P1, n, m, d, exclude, self_offset); break;
    default: backward_impl(FORM_PGEN, n, m, d, exclude, self_offset); break;
  }
}
