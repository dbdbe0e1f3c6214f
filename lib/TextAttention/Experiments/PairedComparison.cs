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

    /// <summary>The smallest true difference this design detects with 80% power at the family's first Holm level (α/m).</summary>
    public double Detectable { get; init; } = double.NaN;

    public Verdict Verdict { get; init; } = Verdict.Undetermined;

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
            Verdict.Equivalent => $"{A} and {B} are equivalent within ±{Pp(Margin)} pp: {A} − {B} = {interval}; Holm-adjusted TOST p = {P3(AdjustedEquivalenceP)}",
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
/// Each comparison resamples seeds and test items together (a two-level paired bootstrap). When every seed was tested on
/// the same split (a crossed design), a replicate draws the seeds with replacement and, independently, the test items
/// with replacement, the same items for both poolings and every seed. When the seeds were tested on different folds (a
/// rotation), the folds are the clusters: a replicate draws folds with replacement, each with its seeds and its items
/// as they are, since a fold's own items already vary from fold to fold (resampling them too would count that noise
/// twice; Davison &amp; Hinkley 1997, §3.8). Each level draws n − 1 of its n units, which makes the bootstrap variance of a
/// mean the unbiased s²/n. The interval is mean ± t·SE with the bootstrap's standard error and t at the degrees of
/// freedom the design supports, so a handful of seeds is not treated as many.
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
    public static PairedComparison Estimate(PairInput input, int resamples = 4_000, int seed = 2016)
    {
        if (input.Seeds.Count == 0)
        {
            throw new ArgumentException($"no seed was run with both {input.A} and {input.B} on {input.Dataset}.", nameof(input));
        }

        var differences = input.Seeds.Select(s => Differences(s, input)).ToList();
        var groups = input.Seeds.Select((s, i) => (s.Data, i)).GroupBy(x => x.Data).Select(g => g.Select(x => x.i).ToArray()).ToList();
        var seedMeans = differences.Select(d => d.Sum(x => (double)x) / d.Length).ToArray();
        var mean = seedMeans.Average();
        var random = new Random(seed);
        var replicates = new double[resamples];
        double df;
        if (groups.Count > 1)
        {
            // Clusters: folds, each with its seeds (weighted by their number) and its own items.
            var sums = groups.Select(g => g.Sum(i => seedMeans[i])).ToArray();
            var sizes = groups.Select(g => g.Length).ToArray();
            for (var r = 0; r < resamples; r++)
            {
                double total = 0, count = 0;
                for (var k = 0; k < Draws(groups.Count); k++)
                {
                    var g = random.Next(groups.Count);
                    total += sums[g];
                    count += sizes[g];
                }

                replicates[r] = total / count;
            }

            df = groups.Count - 1;
        }
        else
        {
            // Crossed: seeds and items drawn independently; the items drawn once per replicate, for every seed.
            var n = differences.Count;
            var N = differences[0].Length;
            var counts = new int[N];
            var perSeed = new double[n];
            for (var r = 0; r < resamples; r++)
            {
                Array.Clear(counts);
                for (var j = 0; j < Draws(N); j++)
                {
                    counts[random.Next(N)]++;
                }

                Array.Clear(perSeed);
                for (var k = 0; k < n; k++)
                {
                    perSeed[k] = double.NaN;
                }

                double total = 0;
                for (var k = 0; k < Draws(n); k++)
                {
                    var s = random.Next(n);
                    if (double.IsNaN(perSeed[s]))
                    {
                        long dot = 0;
                        var d = differences[s];
                        for (var j = 0; j < N; j++)
                        {
                            dot += d[j] * counts[j];
                        }

                        perSeed[s] = (double)dot / Draws(N);
                    }

                    total += perSeed[s];
                }

                replicates[r] = total / Draws(n);
            }

            df = Satterthwaite(differences, seedMeans);
        }

        var se = StandardDeviation(replicates);
        return new PairedComparison(input.Dataset, input.A, input.B, input.Seeds.Count, groups.Count, mean, se, df, TwoSidedP(mean, se, df));
    }

    /// <summary>
    /// Estimates every comparison of a family, adjusts its p-values by Holm, draws each interval at its Holm level, tests
    /// equivalence within ±<paramref name="margin"/>, and says what each could have detected with 80% power.
    /// </summary>
    public static List<PairedComparison> Family(string name, IReadOnlyList<PairInput> inputs, double margin, double alpha = 0.05, int resamples = 4_000, int seed = 2016)
    {
        var estimates = inputs.Select(i => Estimate(i, resamples, seed)).ToList();
        var m = estimates.Count;
        if (m == 0)
        {
            return [];
        }

        var (adjusted, levels) = Holm(estimates.Select(e => e.P).ToList(), alpha);
        var equivalence = estimates.Select(e => EquivalenceP(e.Mean, e.StandardError, e.DegreesOfFreedom, margin)).ToList();
        var (adjustedEquivalence, _) = Holm(equivalence, alpha);
        return estimates.Select((e, i) =>
        {
            var half = Quantile(e.DegreesOfFreedom, 1 - levels[i] / 2) * e.StandardError;
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

    /// <summary>
    /// The degrees of freedom of a crossed design's two variance components (Satterthwaite 1946): the seeds' (the
    /// variance of the per-seed means over n, with n − 1) and the items' (the variance of the per-item means over N, with
    /// N − 1). With one seed, only the items' count (and the seeds' noise cannot be estimated).
    /// </summary>
    public static double Satterthwaite(IReadOnlyList<sbyte[]> differences, IReadOnlyList<double> seedMeans)
    {
        var n = differences.Count;
        var N = differences[0].Length;
        var itemMeans = new double[N];
        foreach (var d in differences)
        {
            for (var j = 0; j < N; j++)
            {
                itemMeans[j] += d[j] / (double)n;
            }
        }

        var vItems = Variance(itemMeans) / N;
        if (n < 2)
        {
            return Math.Max(1, N - 1);
        }

        var vSeeds = Variance(seedMeans) / n;
        var denominator = vSeeds * vSeeds / (n - 1) + vItems * vItems / Math.Max(1, N - 1);
        return denominator <= 0 ? Math.Max(1, N - 1) : Math.Clamp((vSeeds + vItems) * (vSeeds + vItems) / denominator, 1, Math.Max(1, N - 1));
    }

    /// <summary>
    /// How many units a replicate draws from <paramref name="n"/>: n − 1, so that the bootstrap variance of a mean is
    /// s²/n, the unbiased estimate, rather than (n − 1)/n of it (which matters with five seeds); n when n is 1.
    /// </summary>
    private static int Draws(int n) => Math.Max(1, n - 1);

    private static double TwoSidedP(double mean, double se, double df) =>
        se <= 0 || double.IsNaN(se) ? (mean == 0 ? 1 : 0) : 2 * (1 - StudentT.CDF(0, 1, df, Math.Abs(mean) / se));

    private static double Quantile(double df, double q) => StudentT.InvCDF(0, 1, df, q);

    private static sbyte[] Differences(SeedPair pair, PairInput input)
    {
        if (pair.CorrectA.Length != pair.CorrectB.Length || pair.CorrectA.Length == 0)
        {
            throw new ArgumentException($"{input.Dataset} seed {pair.Seed}: {input.A} has {pair.CorrectA.Length} test results and {input.B} {pair.CorrectB.Length}; a paired comparison needs the same items.");
        }

        var d = new sbyte[pair.CorrectA.Length];
        for (var j = 0; j < d.Length; j++)
        {
            d[j] = (sbyte)(Mark(pair.CorrectA[j], input, pair) - Mark(pair.CorrectB[j], input, pair));
        }

        return d;
    }

    private static int Mark(char c, PairInput input, SeedPair pair) => c switch
    {
        '1' => 1,
        '0' => 0,
        _ => throw new ArgumentException($"{input.Dataset} seed {pair.Seed}: a per-item result '{c}' that is neither 0 nor 1."),
    };

    private static double Variance(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }

    private static double StandardDeviation(double[] values) => Math.Sqrt(Variance(values));
}
