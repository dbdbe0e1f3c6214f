using System.Globalization;
using MathNet.Numerics.Distributions;

namespace TextAttention.Experiments;

/// <summary>One seed of a paired comparison: the two poolings' per-item correctness on the same test items.</summary>
/// <param name="Data">The fingerprint of the split the seed trained and tested on: seeds with the same one share their test items.</param>
/// <param name="CorrectA">'1' or '0' per test item for pooling A.</param>
/// <param name="CorrectB">The same for pooling B, on the same items in the same order.</param>
public sealed record SeedPair(int Seed, string Data, string CorrectA, string CorrectB);

/// <summary>What a paired comparison of A and B on one corpus is computed from.</summary>
public sealed record PairInput(string Dataset, string A, string B, IReadOnlyList<SeedPair> Seeds);

/// <summary>The four answers a comparison can give.</summary>
public enum Verdict
{
    /// <summary>A is more accurate: the family-adjusted test of a difference rejects "no difference", with A ahead.</summary>
    ABetter,

    /// <summary>B is more accurate.</summary>
    BBetter,

    /// <summary>The difference lies within ± the margin: the family-adjusted two one-sided tests reject both "A is better by the margin or more" and "B is".</summary>
    Equivalent,

    /// <summary>Neither: the design could not tell (see <see cref="PairedComparison.Detectable"/>).</summary>
    Undetermined,
}

/// <summary>
/// A paired comparison of two poolings on one corpus, with one interval that carries all the noise: the seeds' and the
/// test items'. Differences are A − B in accuracy, as fractions (0.01 = one percentage point).
/// </summary>
/// <param name="Seeds">Seeds both poolings were run with.</param>
/// <param name="TestSets">Distinct test splits among them (1 for a fixed split; the folds of a rotation).</param>
/// <param name="Mean">The mean over seeds (and their items) of accuracy(A) − accuracy(B).</param>
/// <param name="StandardError">The standard deviation of <see cref="Mean"/> over the two-level paired bootstrap.</param>
/// <param name="DegreesOfFreedom">Of the t quantiles: the test splits − 1 when there are several, else Satterthwaite's for the seed and item components.</param>
/// <param name="P">The two-sided p-value of "no difference", unadjusted.</param>
public sealed record PairedComparison(string Dataset, string A, string B, int Seeds, int TestSets, double Mean, double StandardError, double DegreesOfFreedom, double P)
{
    /// <summary>The family the comparison belongs to, for its adjustment.</summary>
    public string Family { get; init; } = "";

    /// <summary>How many comparisons the family holds.</summary>
    public int FamilySize { get; init; } = 1;

    /// <summary>Holm's adjusted p-value of "no difference" within the family.</summary>
    public double AdjustedP { get; init; } = double.NaN;

    /// <summary>The level of the interval: 1 − α/(m − k + 1), the level at which Holm's step-down tested this comparison.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>The lower end of the interval at <see cref="Level"/>.</summary>
    public double Low { get; init; } = double.NaN;

    /// <summary>The upper end.</summary>
    public double High { get; init; } = double.NaN;

    /// <summary>The equivalence margin δ (a fraction).</summary>
    public double Margin { get; init; } = 0.01;

    /// <summary>The p-value of the two one-sided tests against ±δ (the larger of the two), unadjusted.</summary>
    public double EquivalenceP { get; init; } = double.NaN;

    /// <summary>Holm's adjusted <see cref="EquivalenceP"/> within the family.</summary>
    public double AdjustedEquivalenceP { get; init; } = double.NaN;

    /// <summary>
    /// The α at which Holm's step-down tested equivalence for this comparison. The two one-sided tests at that α reject
    /// exactly when the interval at level 1 − 2α (<see cref="EquivalenceLow"/> to <see cref="EquivalenceHigh"/>) lies
    /// inside ± the margin, so that interval, not the two-sided one, is the one to hold against the margin.
    /// </summary>
    public double EquivalenceAlpha { get; init; } = 0.05;

    /// <summary>The lower end of the equivalence interval, mean − t(1 − <see cref="EquivalenceAlpha"/>)·SE.</summary>
    public double EquivalenceLow { get; init; } = double.NaN;

    /// <summary>The upper end of the equivalence interval.</summary>
    public double EquivalenceHigh { get; init; } = double.NaN;

    /// <summary>The smallest true difference this design detects with 80% power at the family's first Holm level (α/m).</summary>
    public double Detectable { get; init; } = double.NaN;

    public Verdict Verdict { get; init; } = Verdict.Undetermined;

    /// <summary>The interval mean ± t·SE at <paramref name="level"/>, at this comparison's degrees of freedom (unadjusted; <see cref="Low"/> and <see cref="High"/> are the adjusted ones).</summary>
    public (double Low, double High) IntervalAt(double level) =>
        new BootstrapEstimate(Mean, StandardError, DegreesOfFreedom, Seeds, TestSets).Interval(level);

    /// <summary>The verdict in words, as tables show it: A better, B better, equivalent (±margin) or undetermined.</summary>
    public string VerdictText => Verdict switch
    {
        Verdict.ABetter => "A better",
        Verdict.BBetter => "B better",
        Verdict.Equivalent => $"equivalent (±{Pp(Margin)} pp)",
        _ => "undetermined",
    };

    /// <summary>The verdict in words, with the mean, the interval and what the design could have detected.</summary>
    public string Describe()
    {
        var level = (100 * Level).ToString("0.##", CultureInfo.InvariantCulture);
        var interval = $"{Pp(Mean)} pp, {level}% CI {Pp(Low)} to {Pp(High)} over {Seeds} seeds and their test items";
        return Verdict switch
        {
            Verdict.ABetter => $"{A} is more accurate than {B}: {A} − {B} = {interval}; Holm-adjusted p = {P3(AdjustedP)}" +
                               (AdjustedEquivalenceP < 0.05 ? $", and the difference is within ±{Pp(Margin)} pp" : ""),
            Verdict.BBetter => $"{B} is more accurate than {A}: {A} − {B} = {interval}; Holm-adjusted p = {P3(AdjustedP)}" +
                               (AdjustedEquivalenceP < 0.05 ? $", and the difference is within ±{Pp(Margin)} pp" : ""),
            Verdict.Equivalent => $"{A} and {B} are equivalent within ±{Pp(Margin)} pp: {A} − {B} = {interval}; Holm-adjusted TOST p = {P3(AdjustedEquivalenceP)}, " +
                                  $"its {(100 * (1 - 2 * EquivalenceAlpha)).ToString("0.##", CultureInfo.InvariantCulture)}% equivalence interval {Pp(EquivalenceLow)} to {Pp(EquivalenceHigh)} lies inside ±{Pp(Margin)}",
            _ => $"undetermined: {A} − {B} = {interval}; the design detects {Pp(Detectable)} pp with 80% power",
        };
    }

    /// <summary>A fraction as percentage points with two decimals (0.0392 → "3.92").</summary>
    public static string Pp(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture);

    private static string P3(double p) => p < 0.001 ? "< 0.001" : p.ToString("F3", CultureInfo.InvariantCulture);
}

/// <summary>
/// Paired comparisons that count every source of noise at once, and the families they are reported in.
/// <para>
/// Each comparison resamples seeds and test items together: a two-level paired bootstrap
/// (<see cref="TwoLevelBootstrap"/>) of the per-item differences in correctness, the same items for both poolings. The
/// interval is mean ± t·SE with the bootstrap's standard error and t at the degrees of freedom the design supports, so a
/// handful of seeds is not treated as many.
/// </para>
/// <para>
/// A family's p-values are adjusted by Holm's step-down procedure, and each interval is drawn at the level at which that
/// procedure tested it, so an interval excludes 0 exactly when its comparison is declared a difference. Equivalence is
/// tested by two one-sided tests against ± a margin, Holm-adjusted in the same family.
/// </para>
/// </summary>
public static class PairedComparisons
{
    /// <summary>One comparison's mean, standard error, degrees of freedom and p-value (unadjusted).</summary>
    /// <exception cref="ArgumentException">No seed, or a seed whose two strings differ in length or hold other marks than '0' and '1'.</exception>
    public static PairedComparison Estimate(PairInput input, int resamples = 2_000, int seed = 2016)
    {
        if (input.Seeds.Count == 0)
        {
            throw new ArgumentException($"no seed was run with both {input.A} and {input.B} on {input.Dataset}.", nameof(input));
        }

        var values = input.Seeds.Select(s => new SeedValues(s.Seed, s.Data, Differences(s, input))).ToList();
        var estimate = TwoLevelBootstrap.Estimate(values, resamples, seed);
        return new PairedComparison(input.Dataset, input.A, input.B, input.Seeds.Count, estimate.TestSets, estimate.Mean, estimate.StandardError,
            estimate.DegreesOfFreedom, TwoSidedP(estimate.Mean, estimate.StandardError, estimate.DegreesOfFreedom));
    }

    /// <summary>
    /// Estimates every comparison of a family, adjusts its p-values by Holm, draws each interval at its Holm level, tests
    /// equivalence within ±<paramref name="margin"/>, and says what each could have detected with 80% power.
    /// </summary>
    public static List<PairedComparison> Family(string name, IReadOnlyList<PairInput> inputs, double margin, double alpha = 0.05, int resamples = 2_000, int seed = 2016)
    {
        var estimates = inputs.Select(i => Estimate(i, resamples, seed)).ToList();
        var m = estimates.Count;
        if (m == 0)
        {
            return [];
        }

        var (adjusted, levels) = Holm(estimates.Select(e => e.P).ToList(), alpha);
        var equivalence = estimates.Select(e => EquivalenceP(e.Mean, e.StandardError, e.DegreesOfFreedom, margin)).ToList();
        var (adjustedEquivalence, equivalenceLevels) = Holm(equivalence, alpha);
        return estimates.Select((e, i) =>
        {
            var half = Quantile(e.DegreesOfFreedom, 1 - levels[i] / 2) * e.StandardError;
            var equivalenceHalf = Quantile(e.DegreesOfFreedom, 1 - equivalenceLevels[i]) * e.StandardError;
            var detectable = (Quantile(e.DegreesOfFreedom, 1 - alpha / (2 * m)) + Quantile(e.DegreesOfFreedom, 0.8)) * e.StandardError;
            var verdict = adjusted[i] < alpha ? (e.Mean > 0 ? Verdict.ABetter : Verdict.BBetter)
                : adjustedEquivalence[i] < alpha ? Verdict.Equivalent
                : Verdict.Undetermined;
            return e with
            {
                Family = name,
                FamilySize = m,
                AdjustedP = adjusted[i],
                Level = 1 - levels[i],
                Low = e.Mean - half,
                High = e.Mean + half,
                Margin = margin,
                EquivalenceP = equivalence[i],
                AdjustedEquivalenceP = adjustedEquivalence[i],
                EquivalenceAlpha = equivalenceLevels[i],
                EquivalenceLow = e.Mean - equivalenceHalf,
                EquivalenceHigh = e.Mean + equivalenceHalf,
                Detectable = detectable,
                Verdict = verdict,
            };
        }).ToList();
    }

    /// <summary>
    /// Holm's step-down procedure: adjusted p-values (each the running maximum of (m − k + 1)·p₍ₖ₎, at most 1), and the α at
    /// which each hypothesis was tested (α/(m − k + 1) up to the first one retained; that step's α for every later one).
    /// </summary>
    public static (double[] Adjusted, double[] Alpha) Holm(IReadOnlyList<double> p, double alpha = 0.05)
    {
        var m = p.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var levels = new double[m];
        double running = 0;
        double? stopped = null;
        for (var k = 0; k < m; k++)
        {
            var i = order[k];
            running = Math.Max(running, Math.Min(1, (m - k) * p[i]));
            adjusted[i] = running;
            var level = alpha / (m - k);
            stopped ??= running >= alpha ? level : null;
            levels[i] = stopped ?? level;
        }

        return (adjusted, levels);
    }

    /// <summary>The two one-sided tests' p-value for |true difference| &lt; δ: the larger of P(T ≥ (d + δ)/SE) and P(T ≤ (d − δ)/SE).</summary>
    public static double EquivalenceP(double mean, double se, double df, double margin)
    {
        if (se <= 0 || double.IsNaN(se))
        {
            return Math.Abs(mean) < margin ? 0 : 1;
        }

        var lower = 1 - StudentT.CDF(0, 1, df, (mean + margin) / se);
        var upper = StudentT.CDF(0, 1, df, (mean - margin) / se);
        return Math.Max(lower, upper);
    }

    private static double TwoSidedP(double mean, double se, double df) =>
        se <= 0 || double.IsNaN(se) ? (mean == 0 ? 1 : 0) : 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(mean) / se));

    private static double Quantile(double df, double q) => StudentT.InvCDF(0, 1, df, q);

    private static double[] Differences(SeedPair pair, PairInput input)
    {
        if (pair.CorrectA.Length != pair.CorrectB.Length || pair.CorrectA.Length == 0)
        {
            throw new ArgumentException($"{input.Dataset} seed {pair.Seed}: {input.A} has {pair.CorrectA.Length} test results and {input.B} {pair.CorrectB.Length}; a paired comparison needs the same items.");
        }

        var d = new double[pair.CorrectA.Length];
        for (var j = 0; j < d.Length; j++)
        {
            d[j] = Mark(pair.CorrectA[j], input, pair) - Mark(pair.CorrectB[j], input, pair);
        }

        return d;
    }

    private static int Mark(char c, PairInput input, SeedPair pair) => c switch
    {
        '1' => 1,
        '0' => 0,
        _ => throw new ArgumentException($"{input.Dataset} seed {pair.Seed}: a per-item result '{c}' that is neither 0 nor 1."),
    };
}
