#include "devices/finger_image.hpp"

// Index of this file:
//   [SECTION] Constants, the block transform and its band-pass filters
//   [SECTION] Growing the ridge pattern
//   [SECTION] Impressions
//   [SECTION] Public functions

#include <fftw3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <new>

namespace devices {

namespace {

// [SECTION] Constants, the block transform and its band-pass filters

constexpr float kTwoPi = 6.28318531f;
// Ridge period in pixels at 500 dpi, and the ridge frequency in cycles per pixel.
constexpr float kRidgePeriod = 9.0f, kRidgeFrequency = 1.0f / kRidgePeriod;
// Filter blocks: 32 x 32 pixels every 16 (each pixel lies in 2 x 2 blocks); the spectrum of a real
// block has 32 x 17 complex values.
constexpr int kBlock = 32, kStride = 16, kSpectrumWidth = kBlock / 2 + 1;
constexpr int kSpectrum = kBlock * kSpectrumWidth;
// Ridge directions are quantised to 64 filters over half a turn (2.8 degrees apart).
constexpr int kDirections = 64;
// Bandwidths of the band-pass in cycles per pixel: across the ridges (about the spread of the ridge
// frequency over a block) and along them (how far the direction may stray from the block's).
constexpr float kSigmaAcross = 0.028f, kSigmaAlong = 0.022f;
// The pattern's grid: the fingertip ellipse plus a margin of 24 px on every side (for the elastic
// distortion of impressions), rounded up to whole strides.
constexpr float kGrowMargin = 24.0f;
constexpr int kPatternWidth = 320, kPatternHeight = 400;
static_assert(kPatternWidth % kStride == 0 && kPatternHeight % kStride == 0, "the grid is whole strides");
static_assert(kPatternWidth >= 2 * (kFingertipHalfWidth + kGrowMargin) && kPatternHeight >= 2 * (kFingertipHalfHeight + kGrowMargin),
              "the grid holds the grown area");
// Growth: iterations, the gain before the saturation (a weak extension of a ridge grows to full
// contrast in a few iterations), and the seeds' radii (imposed whole within the core, tapered to 0 at the radius).
constexpr int kGrowIterations = 8;
constexpr float kGrowGain = 6.0f;
constexpr float kSeedCore = 5.0f, kSeedRadius = 10.0f;

// A buffer from fftwf_malloc: aligned for FFTW's vector code, as the arrays the plans were made with
// (fftwf_execute_dft_* on new arrays requires the same alignment).
template <class T>
class FftwBuffer {
public:
    explicit FftwBuffer(std::size_t n) : data_(static_cast<T*>(fftwf_malloc(sizeof(T) * n))) {
        if (!data_) throw std::bad_alloc();
    }
    ~FftwBuffer() { fftwf_free(data_); }
    FftwBuffer(const FftwBuffer&) = delete;
    FftwBuffer& operator=(const FftwBuffer&) = delete;
    T* get() const { return data_; }

private:
    T* data_;
};

// The 32 x 32 real transforms (FFTW plans, FFTW_ESTIMATE: the same plan on every run, no timing) and
// the filters. Made once, on first use: FFTW's planner is not thread-safe, so the plans are created
// inside this function-local static's initialisation, which C++ runs exactly once even when threads
// race to it; executing a plan on new arrays (fftwf_execute_dft_r2c / c2r) is thread-safe.
struct BlockTransform {
    fftwf_plan forward = nullptr, inverse = nullptr;
    // The square root of a 2D Hann window, applied before the transform and again after it: the Hann
    // windows of the overlapping blocks sum to 1, and the second taper hides what the filter wraps
    // around the block's edges (the transform is circular).
    std::array<float, kBlock * kBlock> window{};
    std::vector<float> filters = std::vector<float>(static_cast<std::size_t>(kDirections) * kSpectrum);  // gains, 1/N included

    BlockTransform() {
        FftwBuffer<float> real(kBlock * kBlock);
        FftwBuffer<fftwf_complex> spectrum(kSpectrum);
        forward = fftwf_plan_dft_r2c_2d(kBlock, kBlock, real.get(), spectrum.get(), FFTW_ESTIMATE);
        inverse = fftwf_plan_dft_c2r_2d(kBlock, kBlock, spectrum.get(), real.get(), FFTW_ESTIMATE);
        if (!forward || !inverse) throw std::bad_alloc();
        for (int y = 0; y < kBlock; ++y)
            for (int x = 0; x < kBlock; ++x) {
                // sin^2(pi (i + 1/2) / 32) and its neighbour half a block on (cos^2) sum to 1.
                const float wy = std::sin(3.14159265f * (static_cast<float>(y) + 0.5f) / kBlock);
                const float wx = std::sin(3.14159265f * (static_cast<float>(x) + 0.5f) / kBlock);
                window[static_cast<std::size_t>(y * kBlock + x)] = wy * wx;
            }
        for (int d = 0; d < kDirections; ++d) make_filter(d);
    }

    // Filter d: a pair of Gaussian lobes at +-the ridge frequency across ridges of direction d half
    // turns / 64 (the frequency response of an even Gabor filter), scaled by 1 / (32 x 32) for the
    // unnormalised inverse transform.
    void make_filter(int d) {
        const float theta = static_cast<float>(d) * (kTwoPi / 2.0f) / kDirections;
        const float tx = std::cos(theta), ty = std::sin(theta);  // along the ridges
        const float nx = -ty, ny = tx;                           // across them
        for (int v = 0; v < kBlock; ++v)
            for (int u = 0; u < kSpectrumWidth; ++u) {
                const float fy = static_cast<float>(v < kBlock / 2 ? v : v - kBlock) / kBlock, fx = static_cast<float>(u) / kBlock;
                const float across = std::fabs(fx * nx + fy * ny) - kRidgeFrequency, along = fx * tx + fy * ty;
                const float gain = std::exp(-across * across / (2 * kSigmaAcross * kSigmaAcross) - along * along / (2 * kSigmaAlong * kSigmaAlong));
                filters[static_cast<std::size_t>(d * kSpectrum + v * kSpectrumWidth + u)] = gain / (kBlock * kBlock);
            }
    }

    static const BlockTransform& get() {
        static const BlockTransform instance;
        return instance;
    }
};

// [SECTION] Growing the ridge pattern

// A block of the grid: its top-left pixel (may be off the grid by half a block) and its filter.
struct GrowBlock {
    int x0 = 0, y0 = 0;
    int direction = 0;
};

// The blocks whose centre lies in the grown area (the fingertip ellipse plus the margin), each with
// the filter for the finger's ridge direction at its centre.
std::vector<GrowBlock> grow_blocks(const RidgeOrientation& field) {
    std::vector<GrowBlock> blocks;
    const float a = kFingertipHalfWidth + kGrowMargin + kStride, b = kFingertipHalfHeight + kGrowMargin + kStride;
    for (int y0 = -kStride; y0 < kPatternHeight; y0 += kStride)
        for (int x0 = -kStride; x0 < kPatternWidth; x0 += kStride) {
            const float cx = static_cast<float>(x0 + kBlock / 2) - kPatternWidth / 2.0f;
            const float cy = static_cast<float>(y0 + kBlock / 2) - kPatternHeight / 2.0f;
            if ((cx / a) * (cx / a) + (cy / b) * (cy / b) > 1.0f) continue;
            // Orientation in 1/256 turn, modulo 128: 64 directions are 2 units apart.
            const float units = field.at(cx, cy);
            const int d = static_cast<int>(std::lround(units * 0.5f));
            blocks.push_back({x0, y0, ((d % kDirections) + kDirections) % kDirections});
        }
    return blocks;
}

// The seeds: each minutia's patch of ridges with a phase spiral at the minutia, as (pixel, weight,
// value). Across the minutia's direction t the phase advances by 2 pi / period per pixel; the spiral
// atan2(across, along) adds one ridge on the side the minutia points to, so a ridge (phase 0 there:
// an ending) or a valley (phase pi: a bifurcation) starts at the minutia.
struct Seed {
    int index = 0;
    float weight = 0, value = 0;
};

std::vector<Seed> minutia_seeds(const SyntheticFinger& finger) {
    std::vector<Seed> seeds;
    const int r = static_cast<int>(kSeedRadius);
    for (int i = 0; i < finger.count; ++i) {
        const MasterMinutia& m = finger.minutiae[i];
        const float a = m.angle * (kTwoPi / 256.0f), tx = std::cos(a), ty = std::sin(a);
        const float offset = m.type == core::MinutiaType::bifurcation ? kTwoPi / 2.0f : 0.0f;
        const float mx = m.x + kPatternWidth / 2.0f, my = m.y + kPatternHeight / 2.0f;
        const int cx = static_cast<int>(std::lround(mx)), cy = static_cast<int>(std::lround(my));
        for (int y = std::max(0, cy - r); y <= std::min(kPatternHeight - 1, cy + r); ++y)
            for (int x = std::max(0, cx - r); x <= std::min(kPatternWidth - 1, cx + r); ++x) {
                const float dx = static_cast<float>(x) - mx, dy = static_cast<float>(y) - my;
                const float d2 = dx * dx + dy * dy;
                if (d2 > kSeedRadius * kSeedRadius) continue;
                const float along = dx * tx + dy * ty, across = -dx * ty + dy * tx;
                const float phase = kTwoPi * kRidgeFrequency * across + std::atan2(across, along) + offset;
                // Weight 1 within kSeedCore, a cosine taper to 0 at kSeedRadius; values saturated as the grown pattern's.
                const float r = std::sqrt(d2), taper = std::clamp((r - kSeedCore) / (kSeedRadius - kSeedCore), 0.0f, 1.0f);
                const float weight = 0.5f + 0.5f * std::cos(taper * kTwoPi / 2);
                seeds.push_back({y * kPatternWidth + x, weight, std::clamp(1.5f * std::cos(phase), -1.0f, 1.0f)});
            }
    }
    return seeds;
}

// Sets the seeds' pixels towards their values by their weights.
void impose_seeds(const std::vector<Seed>& seeds, std::vector<float>& values) {
    for (const Seed& s : seeds) {
        float& v = values[static_cast<std::size_t>(s.index)];
        v += s.weight * (s.value - v);
    }
}

// One iteration of the space-variant filter: every block of `from` that holds any pattern tapered,
// transformed, multiplied by its direction's band-pass and added back into `to` (zeroed first).
void filter_blocks(const std::vector<GrowBlock>& blocks, const std::vector<float>& from, std::vector<float>& to, float* real,
                   fftwf_complex* spectrum) {
    const BlockTransform& t = BlockTransform::get();
    std::fill(to.begin(), to.end(), 0.0f);
    for (const GrowBlock& b : blocks) {
        float peak = 0.0f;
        for (int y = 0; y < kBlock; ++y)
            for (int x = 0; x < kBlock; ++x) {
                const int gx = b.x0 + x, gy = b.y0 + y;
                const bool inside = gx >= 0 && gy >= 0 && gx < kPatternWidth && gy < kPatternHeight;
                const float v = inside ? from[static_cast<std::size_t>(gy * kPatternWidth + gx)] : 0.0f;
                peak = std::max(peak, std::fabs(v));
                real[y * kBlock + x] = v * t.window[static_cast<std::size_t>(y * kBlock + x)];
            }
        if (peak < 1e-3f) continue;  // nothing has grown here yet
        fftwf_execute_dft_r2c(t.forward, real, spectrum);
        const float* gain = t.filters.data() + static_cast<std::ptrdiff_t>(b.direction) * kSpectrum;
        for (int k = 0; k < kSpectrum; ++k) spectrum[k][0] *= gain[k], spectrum[k][1] *= gain[k];
        fftwf_execute_dft_c2r(t.inverse, spectrum, real);
        for (int y = std::max(0, -b.y0); y < kBlock && b.y0 + y < kPatternHeight; ++y)
            for (int x = std::max(0, -b.x0); x < kBlock && b.x0 + x < kPatternWidth; ++x)
                to[static_cast<std::size_t>((b.y0 + y) * kPatternWidth + b.x0 + x)] += real[y * kBlock + x] * t.window[static_cast<std::size_t>(y * kBlock + x)];
    }
}

// The saturating step after each filtering: amplified and clipped to [-1, 1], so weak extensions of
// the ridges grow to full contrast and strong ones stay bounded.
void saturate_ridges(std::vector<float>& values) {
    for (float& v : values) v = std::clamp(kGrowGain * v, -1.0f, 1.0f);
}

// [SECTION] Impressions

// Scales of the draws' fields.
constexpr float kImageUnit16 = 1.0f / 65536.0f, kImageUnit8 = 1.0f / 256.0f;
float field16(std::uint64_t bits, int field) { return static_cast<float>((bits >> (16 * field)) & 0xffff) * kImageUnit16; }
float field8(std::uint64_t bits, int field) { return static_cast<float>((bits >> (8 * field)) & 0xff) * kImageUnit8; }
// Roughly standard normal from two 8-bit fields (a triangular sum, |z| < 2.45).
float image_bell(std::uint64_t bits, int field) {
    const int sum = static_cast<int>(((bits >> (8 * field)) & 0xff) + ((bits >> (8 * field + 8)) & 0xff)) - 255;
    return static_cast<float>(sum) * (2.4494897f / 256.0f);
}

// One capture's placement, distortion, contact and skin, from its first four draws.
struct ImageCapture {
    float cr = 1, sr = 0, tx = 0, ty = 0;  // rotation and shift on the sensor
    float e1 = 0, e2 = 0, e3 = 0, e4 = 0, e5 = 0;  // elastic distortion (affine strain, bending)
    float ccx = 0, ccy = 0, inv_a = 0, inv_b = 0;  // contact ellipse
    float bias = 0;             // added to the ridge value before inking: pressure widens ridges, dry skin thins them
    float dry = 0;              // share of the skin's contact that breaks up (dry patches)
    float background = 0, ridge = 0, noise = 0;  // grey levels and the sensor noise's sd

    ImageCapture(const CaptureConditions& conditions, core::RandomStream& stream) {
        const float bad = static_cast<float>(1.0 - capture_quality(conditions));
        const std::uint64_t g0 = stream.next_u64(), g1 = stream.next_u64(), g2 = stream.next_u64(), g3 = stream.next_u64();
        const float rot = (field16(g0, 0) * 2 - 1) * 0.262f;  // +-15 degrees
        cr = std::cos(rot), sr = std::sin(rot);
        tx = (field16(g0, 1) * 2 - 1) * 25.0f, ty = (field16(g0, 2) * 2 - 1) * 25.0f;
        const float strain = 0.02f + 0.04f * bad;
        e1 = (field16(g1, 0) * 2 - 1) * strain, e2 = (field16(g1, 1) * 2 - 1) * strain;
        e3 = (field16(g1, 2) * 2 - 1) * strain, e4 = (field16(g1, 3) * 2 - 1) * strain;
        e5 = (field16(g0, 3) * 2 - 1) * strain / 150.0f;
        ccx = (field16(g2, 0) * 2 - 1) * (10.0f + 30.0f * bad), ccy = (field16(g2, 1) * 2 - 1) * (10.0f + 30.0f * bad);
        const float scale = std::clamp(1.05f - 0.3f * bad - 0.15f * field16(g2, 2), 0.55f, 1.05f);
        inv_a = 1.0f / (kFingertipHalfWidth * scale), inv_b = 1.0f / (kFingertipHalfHeight * scale);
        const float pressure = field8(g3, 0) * 2 - 1;
        bias = 0.25f * pressure - 0.35f * bad;
        dry = std::max(0.0f, 0.6f * bad - 0.05f);
        background = 200.0f + 40.0f * field8(g3, 1) - 10.0f * bad;
        ridge = 30.0f + 30.0f * field8(g3, 2) + 70.0f * bad;
        noise = 4.0f + 12.0f * bad;
    }
};

// A smooth random field in [0, 1) on the sensor: 8-bit values on a grid of 6 px cells, bilinear
// between them (dry patches a few ridges wide).
struct PatchField {
    static constexpr int kCell = 6;
    int columns = 0, rows = 0;
    std::vector<float> values;

    PatchField(ImageSize size, core::RandomStream& stream)
        : columns(size.width / kCell + 2), rows(size.height / kCell + 2), values(static_cast<std::size_t>(columns) * rows) {
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i % 8 == 0) bits = stream.next_u64();
            values[i] = field8(bits, static_cast<int>(i % 8));
        }
    }
    float at(int x, int y) const {
        const float fx = static_cast<float>(x) / kCell, fy = static_cast<float>(y) / kCell;
        const int cx = static_cast<int>(fx), cy = static_cast<int>(fy);
        const float u = fx - static_cast<float>(cx), v = fy - static_cast<float>(cy);
        const float* r0 = values.data() + static_cast<std::ptrdiff_t>(cy) * columns + cx;
        const float* r1 = r0 + columns;
        return (1 - v) * ((1 - u) * r0[0] + u * r0[1]) + v * ((1 - u) * r1[0] + u * r1[1]);
    }
};

// The pattern's value at fingertip point (x, y), bilinear; 0 off the grid.
float sample_ridges(const RidgePattern& p, float x, float y) {
    const float gx = x + p.origin_x, gy = y + p.origin_y;
    if (!(gx >= 0.0f && gy >= 0.0f && gx < static_cast<float>(p.width - 1) && gy < static_cast<float>(p.height - 1))) return 0.0f;
    const int x0 = static_cast<int>(gx), y0 = static_cast<int>(gy);
    const float u = gx - static_cast<float>(x0), v = gy - static_cast<float>(y0);
    const float* r0 = p.values.data() + static_cast<std::ptrdiff_t>(y0) * p.width + x0;
    const float* r1 = r0 + p.width;
    return (1 - v) * ((1 - u) * r0[0] + u * r0[1]) + v * ((1 - u) * r1[0] + u * r1[1]);
}

// How much of the skin at fingertip point (x, y) touches the sensor, 0..1: inside both the fingertip
// and this capture's contact ellipse, fading over the last tenth of their radii.
float skin_contact(const ImageCapture& c, float x, float y) {
    const float fx = x * (1.0f / kFingertipHalfWidth), fy = y * (1.0f / kFingertipHalfHeight);
    const float ex = (x - c.ccx) * c.inv_a, ey = (y - c.ccy) * c.inv_b;
    const float outer = std::max(fx * fx + fy * fy, ex * ex + ey * ey);
    return std::clamp((1.0f - outer) * 5.0f, 0.0f, 1.0f);
}

// The grey of pixel (x, y) of the image, before the sensor noise.
float pixel_grey(const RidgePattern& ridges, const ImageCapture& c, const PatchField& patches, ImageSize size, int x, int y) {
    // Sensor point relative to the finger's placement, rotated back into the fingertip's frame, then
    // the elastic distortion undone to first order.
    const float u = static_cast<float>(x) + 0.5f - static_cast<float>(size.width) / 2 - c.tx;
    const float v = static_cast<float>(y) + 0.5f - static_cast<float>(size.height) / 2 - c.ty;
    const float px = c.cr * u + c.sr * v, py = -c.sr * u + c.cr * v;
    const float fx = px - (c.e1 * px + c.e2 * py + c.e5 * px * py), fy = py - (c.e3 * px + c.e4 * py + c.e5 * px * px * 0.5f);
    const float touch = skin_contact(c, fx, fy);
    if (touch <= 0.0f) return c.background;
    // Ink: the ridge value shifted by pressure and dryness, through a soft threshold; dry patches break it.
    float ink = std::clamp(0.5f + 0.75f * (sample_ridges(ridges, fx, fy) + c.bias), 0.0f, 1.0f);
    if (c.dry > 0.0f) ink *= std::clamp((patches.at(x, y) - c.dry) * 8.0f, 0.0f, 1.0f);
    return c.background - touch * ink * (c.background - c.ridge);
}

// [SECTION] Public functions

}  // namespace

RidgePattern grow_ridge_pattern(const SyntheticFinger& finger) {
    RidgePattern pattern{kPatternWidth, kPatternHeight, kPatternWidth / 2.0f, kPatternHeight / 2.0f,
                         std::vector<float>(static_cast<std::size_t>(kPatternWidth) * kPatternHeight, 0.0f)};
    const std::vector<GrowBlock> blocks = grow_blocks(finger.orientation);
    const std::vector<Seed> seeds = minutia_seeds(finger);
    FftwBuffer<float> real(kBlock * kBlock);
    FftwBuffer<fftwf_complex> spectrum(kSpectrum);
    std::vector<float> filtered(pattern.values.size());
    impose_seeds(seeds, pattern.values);
    for (int i = 0; i < kGrowIterations; ++i) {
        filter_blocks(blocks, pattern.values, filtered, real.get(), spectrum.get());
        saturate_ridges(filtered);
        pattern.values.swap(filtered);
        impose_seeds(seeds, pattern.values);
    }
    return pattern;
}

FingerImage render_impression(const RidgePattern& ridges, const CaptureConditions& conditions, core::RandomStream& stream,
                              ImageSize size) {
    FingerImage image{size.width, size.height, std::vector<std::uint8_t>(static_cast<std::size_t>(size.width) * size.height)};
    const ImageCapture capture(conditions, stream);
    const PatchField patches(size, stream);
    std::uint64_t bits = 0;
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * size.width + x;
            if (i % 4 == 0) bits = stream.next_u64();  // four pixels' noise per draw
            const float grey = pixel_grey(ridges, capture, patches, size, x, y) + capture.noise * image_bell(bits, static_cast<int>(2 * (i % 4)));
            image.pixels[i] = static_cast<std::uint8_t>(std::clamp(grey + 0.5f, 0.0f, 255.0f));
        }
    return image;
}

FingerImage render_impression(const SyntheticFinger& finger, const CaptureConditions& conditions, core::RandomStream& stream,
                              ImageSize size) {
    return render_impression(grow_ridge_pattern(finger), conditions, stream, size);
}

}  // namespace devices
