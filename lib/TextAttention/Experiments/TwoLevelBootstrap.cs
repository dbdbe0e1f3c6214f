namespace TextAttention.Experiments;

/// <summary>One seed's per-item values (a difference in correctness, a drop in probability), and the items they were measured on.</summary>
/// <param name="TestSet">Names the items: seeds with the same test set measured the same items in the same order.</param>
public sealed record SeedValues(int Seed, string TestSet, double[] Values);

/// <summary>A mean over seeds and items, with the uncertainty of both.</summary>
/// <param name="TestSets">Distinct test sets (1 for a crossed design; the folds, or the seeds, of a nested one).</param>
/// <param name="DegreesOfFreedom">Of the t quantiles: test sets − 1 for a nested design, Satterthwaite's for a crossed one.</param>
public sealed record BootstrapEstimate(double Mean, double StandardError, double DegreesOfFreedom, int Seeds, int TestSets)
{
    /// <summary>The interval mean ± t·SE at <paramref name="level"/> (0.95: 95%).</summary>
    public (double Low, double High) Interval(double level = 0.95)
    {
        if (StandardError <= 0 || double.IsNaN(StandardError))
        {
            return (Mean, Mean);
        }

        var half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, DegreesOfFreedom, 1 - (1 - level) / 2) * StandardError;
        return (Mean - half, Mean + half);
    }
}

/// <summary>
/// A two-level bootstrap of a mean over seeds and the items each seed was measured on, so an interval counts both the
/// seeds' noise and the items'.
/// <para>
/// When every seed was measured on the same items (a crossed design), a replicate draws the seeds with replacement and,
/// independently, the items with replacement, the same items for every seed. When seeds were measured on different items
/// (the folds of a rotation, or texts each seed selected itself), the test sets are the clusters: a replicate draws test
/// sets with replacement, each with its seeds and its items as they are, since a test set's own items already vary from
/// set to set (resampling them too would count that noise twice; Davison &amp; Hinkley 1997, §3.8). Each level draws n − 1
/// of its n units, which makes the bootstrap variance of a mean the unbiased s²/n rather than (n − 1)/n of it. In the
/// crossed design the seed × item interaction is counted at both levels, which errs on the wide side.
/// </para>
/// </summary>
public static class TwoLevelBootstrap
{
    /// <exception cref="ArgumentException">No seed, an empty seed, or seeds of one test set with different numbers of items.</exception>
    public static BootstrapEstimate Estimate(IReadOnlyList<SeedValues> seeds, int resamples = 2_000, int seed = 2016)
    {
        if (seeds.Count == 0 || seeds.Any(s => s.Values.Length == 0))
        {
            throw new ArgumentException("a bootstrap needs at least one seed with at least one item.", nameof(seeds));
        }

        var groups = seeds.Select((s, i) => (s.TestSet, i)).GroupBy(x => x.TestSet).Select(g => g.Select(x => x.i).ToArray()).ToList();
        if (groups.Any(g => g.Select(i => seeds[i].Values.Length).Distinct().Count() > 1))
        {
            throw new ArgumentException("seeds of one test set must have one value per item of it, in the same order.", nameof(seeds));
        }

        var seedMeans = seeds.Select(s => s.Values.Average()).ToArray();
        var mean = seedMeans.Average();
        var random = new Random(seed);
        var replicates = new double[resamples];
        double df;
        if (groups.Count > 1)
        {
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
            var n = seeds.Count;
            var N = seeds[0].Values.Length;
            var counts = new int[N];
            var perSeed = new double[n];
            for (var r = 0; r < resamples; r++)
            {
                Array.Clear(counts);
                for (var j = 0; j < Draws(N); j++)
                {
                    counts[random.Next(N)]++;
                }

                Array.Fill(perSeed, double.NaN);
                double total = 0;
                for (var k = 0; k < Draws(n); k++)
                {
                    var s = random.Next(n);
                    if (double.IsNaN(perSeed[s]))
                    {
                        double dot = 0;
                        var values = seeds[s].Values;
                        for (var j = 0; j < N; j++)
                        {
                            dot += values[j] * counts[j];
                        }

                        perSeed[s] = dot / Draws(N);
                    }

                    total += perSeed[s];
                }

                replicates[r] = total / Draws(n);
            }

            df = Satterthwaite(seeds, seedMeans);
        }

        return new BootstrapEstimate(mean, Math.Sqrt(Variance(replicates)), df, seeds.Count, groups.Count);
    }

    /// <summary>
    /// The degrees of freedom of a crossed design's two variance components (Satterthwaite 1946): the seeds' (the
    /// variance of the per-seed means over n, with n − 1) and the items' (the variance of the per-item means over N, with
    /// N − 1). With one seed, only the items' count (and the seeds' noise cannot be estimated).
    /// </summary>
    public static double Satterthwaite(IReadOnlyList<SeedValues> seeds, IReadOnlyList<double> seedMeans)
    {
        var n = seeds.Count;
        var N = seeds[0].Values.Length;
        var itemMeans = new double[N];
        foreach (var s in seeds)
        {
            for (var j = 0; j < N; j++)
            {
                itemMeans[j] += s.Values[j] / n;
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

    /// <summary>How many units a replicate draws from <paramref name="n"/>: n − 1 (see the class), n when n is 1.</summary>
    private static int Draws(int n) => Math.Max(1, n - 1);

    private static double Variance(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
    }
}
