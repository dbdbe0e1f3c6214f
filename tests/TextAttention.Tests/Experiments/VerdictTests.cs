using TextAttention.Attention;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The parts of the verdict that are pure arithmetic: the two-level bootstrap against the variance it estimates
/// (computed in closed form here), Holm's procedure, the two one-sided tests and the detectable difference against
/// hand-computed values, the learning-rate rule, and the statistics of attention matrices.
/// </summary>
public sealed class VerdictTests
{
    /// <summary>A '1'/'0' string of <paramref name="n"/> items, item i correct when <paramref name="correct"/> says so.</summary>
    private static string Marks(int n, Func<int, bool> correct) => string.Concat(Enumerable.Range(0, n).Select(i => correct(i) ? '1' : '0'));

    /// <summary>
    /// A crossed design: every seed tested on the same N items. Its variance in closed form: the seeds' component s²(d̄_s)/n
    /// plus the items' s²(d̄_i)/N, the quantity a two-level bootstrap that draws n − 1 seeds and N − 1 items estimates (up to
    /// the seed × item interaction, which it counts once more, and Monte Carlo error).
    /// </summary>
    [Fact]
    public void The_crossed_bootstrap_estimates_the_seed_and_item_variance_components()
    {
        const int N = 400;
        var random = new Random(3);
        var seeds = Enumerable.Range(1, 6).Select(s =>
        {
            var a = Marks(N, i => random.NextDouble() < 0.80 + 0.01 * (s % 3));
            var b = Marks(N, i => random.NextDouble() < 0.78);
            return new SeedPair(s, "same-items", a, b);
        }).ToList();
        var input = new PairInput("d", "a", "b", seeds);

        var estimate = PairedComparisons.Estimate(input, resamples: 20_000, seed: 9);

        var d = seeds.Select(p => Enumerable.Range(0, N).Select(i => (p.CorrectA[i] - '0') - (p.CorrectB[i] - '0')).ToArray()).ToList();
        var seedMeans = d.Select(x => x.Average()).ToArray();
        var itemMeans = Enumerable.Range(0, N).Select(i => d.Average(x => (double)x[i])).ToArray();
        double Var(IReadOnlyList<double> v) => v.Sum(x => (x - v.Average()) * (x - v.Average())) / (v.Count - 1);
        var interaction = d.SelectMany((x, s) => x.Select((v, i) => v - seedMeans[s] - itemMeans[i] + seedMeans.Average())).Sum(r => r * r) / ((d.Count - 1) * (N - 1));
        var expected = Var(seedMeans) / d.Count + Var(itemMeans) / N + interaction / (d.Count * N);

        Assert.Equal(seedMeans.Average(), estimate.Mean, 12);
        Assert.InRange(estimate.StandardError * estimate.StandardError / expected, 0.93, 1.07);
        Assert.Equal(1, estimate.TestSets);
    }

    [Fact]
    public void Folds_are_clusters_whose_spread_gives_the_standard_error()
    {
        // Four folds, each with its own 50 items and one seed: the per-fold differences 0.02, 0.06, 0.00, 0.04 (mean 0.03,
        // s = 0.0258) give SE = s/√4 = 0.0129 when the bootstrap draws 3 of the 4 folds, and t with 3 degrees of freedom.
        double[] differences = [0.02, 0.06, 0.00, 0.04];
        var seeds = differences.Select((x, k) => new SeedPair(k + 1, $"fold-{k}", Marks(50, i => i < 40 + (int)Math.Round(50 * x)), Marks(50, i => i < 40))).ToList();

        var estimate = PairedComparisons.Estimate(new PairInput("d", "a", "b", seeds), resamples: 40_000, seed: 1);

        var s = Math.Sqrt(differences.Sum(x => (x - 0.03) * (x - 0.03)) / 3);
        Assert.Equal(0.03, estimate.Mean, 12);
        Assert.Equal(4, estimate.TestSets);
        Assert.Equal(3, estimate.DegreesOfFreedom);
        Assert.InRange(estimate.StandardError / (s / 2), 0.95, 1.05);
    }

    [Fact]
    public void Holm_adjusts_and_tests_each_step_at_its_level()
    {
        // p = 0.01, 0.04, 0.03, 0.005 (m = 4). Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06.
        // Levels: 0.05/4 and 0.05/3 for the two rejected; the third is retained at 0.05/2, and so is the fourth.
        var (adjusted, alpha) = PairedComparisons.Holm([0.01, 0.04, 0.03, 0.005]);

        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(p => Math.Round(p, 12)));
        Assert.Equal([0.05 / 3, 0.05 / 2, 0.05 / 2, 0.05 / 4], alpha);
    }

    [Fact]
    public void Two_one_sided_tests_take_the_larger_p_value()
    {
        // d = 0.002, SE = 0.004, δ = 0.01, 20 degrees of freedom: t = (0.012)/0.004 = 3 and (−0.008)/0.004 = −2.
        // P(T ≥ 3) = 0.003535, P(T ≤ −2) = 0.029632 (Student's t, 20 df); the test's p is the larger.
        var p = PairedComparisons.EquivalenceP(0.002, 0.004, 20, 0.01);

        Assert.Equal(0.029632, p, 5);
        Assert.Equal(0, PairedComparisons.EquivalenceP(0.0, 0.0, 20, 0.01));
    }

    [Fact]
    public void A_family_gives_each_comparison_its_verdict_interval_and_detectable_difference()
    {
        const int N = 2000;
        SeedPair Pair(int seed, Func<int, bool> a, Func<int, bool> b) => new(seed, "same", Marks(N, a), Marks(N, b));
        var seeds = Enumerable.Range(1, 5).ToList();
        // a − b: +7.5 points on every seed (a clear difference); c − d: identical predictions (equivalent); e − f: −14.3
        // points on the even seeds and 0 on the odd ones (mean −5.7; too noisy to tell from 0, and outside ±1 point).
        PairInput[] inputs =
        [
            new("x", "a", "b", seeds.Select(s => Pair(s, i => i % 20 != 0 || i % 40 == 0, i => i % 20 > 1)).ToList()),
            new("x", "c", "d", seeds.Select(s => Pair(s, i => i % 5 != 0, i => i % 5 != 0)).ToList()),
            new("x", "e", "f", seeds.Select(s => Pair(s, i => (i + s) % 7 != 0, i => i % 7 != 3 || s % 2 == 0)).ToList()),
        ];

        var family = PairedComparisons.Family("test", inputs, margin: 0.01);

        Assert.Equal([Verdict.ABetter, Verdict.Equivalent], family.Take(2).Select(c => c.Verdict));
        Assert.All(family, c => Assert.Equal(3, c.FamilySize));
        var first = family[0];
        Assert.True(first.Low > 0, first.Describe());
        Assert.Equal(1 - 0.05 / 3, first.Level, 12);   // the smallest p-value is tested at α/m
        var third = family[2];
        Assert.Equal(Verdict.Undetermined, third.Verdict);
        Assert.True(third.Low < 0 && third.High > 0, third.Describe());
        // 80% power at α/m: (t(1 − α/(2m)) + t(0.8)) · SE, at the comparison's degrees of freedom.
        var t = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, third.DegreesOfFreedom, 1 - 0.05 / 6) + MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, third.DegreesOfFreedom, 0.8);
        Assert.Equal(t * third.StandardError, third.Detectable, 12);
        Assert.Contains("the design detects", third.Describe());
    }

    [Fact]
    public void The_equivalence_interval_is_the_one_the_two_one_sided_tests_hold_against_the_margin()
    {
        // d = 0.002, SE = 0.004, 20 df, one comparison (α = 0.05): the two-sided 95% interval, 0.002 ± 2.086·0.004
        // = −0.0063 to 0.0103, crosses the margin 0.01; TOST at α = 0.05 holds the 90% interval, 0.002 ± 1.725·0.004
        // = −0.0049 to 0.0089, against it, and its p (0.0296, test above) is below 0.05: equivalent.
        var equivalence = PairedComparisons.EquivalenceP(0.002, 0.004, 20, 0.01);
        var t90 = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, 20, 0.95);
        var t95 = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, 20, 0.975);
        Assert.True(equivalence < 0.05);
        Assert.True(0.002 + t95 * 0.004 > 0.01 && 0.002 + t90 * 0.004 < 0.01);

        // The same rule on a family: whatever the data, "equivalent" holds exactly when the equivalence interval lies
        // inside ± the margin, and that interval is mean ± t(1 − α_E)·SE at the α Holm tested it at.
        // Twelve pairs whose B redraws a share of A's items at A's accuracy: no true difference, and more noise (fewer
        // items, more redrawn) for some pairs than for others, so that some are equivalent and some undetermined.
        var random = new Random(11);
        var inputs = Enumerable.Range(0, 12).Select(k => new PairInput("x", $"a{k}", $"b{k}", Enumerable.Range(1, 5).Select(s =>
        {
            var n = k < 4 ? 200 : 3000;
            var redraw = 0.04 + 0.04 * (k % 4);
            var a = Marks(n, i => random.NextDouble() < 0.8);
            var b = string.Concat(a.Select(c => random.NextDouble() < redraw ? (random.NextDouble() < 0.8 ? '1' : '0') : c));
            return new SeedPair(s, "same", a, b);
        }).ToList())).ToList();

        var family = PairedComparisons.Family("test", inputs, margin: 0.01);

        Assert.Contains(family, c => c.Verdict == Verdict.Equivalent);
        Assert.Contains(family, c => c.Verdict == Verdict.Undetermined);
        foreach (var c in family)
        {
            var half = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, c.DegreesOfFreedom, 1 - c.EquivalenceAlpha) * c.StandardError;
            Assert.Equal(c.Mean - half, c.EquivalenceLow, 12);
            Assert.Equal(c.Mean + half, c.EquivalenceHigh, 12);
            var inside = c.EquivalenceLow > -c.Margin && c.EquivalenceHigh < c.Margin;
            Assert.Equal(c.AdjustedEquivalenceP < 0.05, inside);
            if (c.Verdict == Verdict.Equivalent)
            {
                Assert.Contains("equivalence interval", c.Describe());
            }
        }
    }

    [Fact]
    public void Hypotheses_pair_runs_by_seed_and_refuse_runs_tested_on_different_data()
    {
        ItemRow Row(string pooling, int seed, string data) => new("x", pooling, seed, "1010", data);
        ItemRow[] rows = [Row("dot-self-unmasked", 1, "f1"), Row("dot-self-unmasked", 2, "f2"), Row("han-unmasked", 2, "f2"), Row("han-unmasked", 3, "f3"), Row("sum", 2, "f9")];

        var inputs = Hypotheses.Inputs([("x", "dot-self-unmasked", "han-unmasked"), ("x", "mean", "sum")], rows, rows);

        var input = Assert.Single(inputs);   // mean was not run: that hypothesis is left out
        Assert.Equal([2], input.Seeds.Select(s => s.Seed));
        var error = Assert.Throws<ArgumentException>(() => Hypotheses.Inputs([("x", "dot-self-unmasked", "sum")], rows, rows));
        Assert.Contains("x seed 2: dot-self-unmasked was tested on data f2 and sum on f9", error.Message);
        Assert.Equal([("a", "b"), ("a", "c"), ("b", "c")], Hypotheses.AllPairs(["a", "b", "c"]));
    }

    private static RunResult Tuned(string pooling, double rate, int seed, double accuracy, double loss) =>
        new(new RunSpec("d", "data", pooling, seed, new RunSettings().WithLearningRate(rate)),
            new TrainingHistory([new EpochRecord(1, 1, loss, accuracy, accuracy, 0)], 1, true), new Evaluation(new long[,] { { 1, 0 }, { 0, 1 } }, 0), null, 1, 0);

    [Fact]
    public void The_rate_with_the_best_mean_validation_accuracy_wins_ties_go_to_the_lower_loss_then_the_smaller_rate()
    {
        RunResult[] runs =
        [
            Tuned("han", 1e-3, 101, 0.80, 0.5), Tuned("han", 1e-3, 102, 0.82, 0.5),
            Tuned("han", 2e-3, 101, 0.85, 0.5), Tuned("han", 2e-3, 102, 0.83, 0.5),   // mean 0.84: the best
            Tuned("han", 5e-3, 101, 0.84, 0.5), Tuned("han", 5e-3, 102, 0.82, 0.5),   // mean 0.83: second
            Tuned("sum", 1e-3, 101, 0.70, 0.9), Tuned("sum", 2e-3, 101, 0.70, 0.8), Tuned("sum", 5e-3, 101, 0.70, 0.8),
        ];

        var choices = LearningRateSearch.Choose(runs);

        var han = choices.Single(c => c.Pooling == "han");
        Assert.Equal((2e-3, 5e-3, false), (han.Chosen, han.SecondBest!.Value, han.AtEdge));
        Assert.Equal(new RateScore(0.84, 0.5, 2), han.Validation[2e-3] with { Accuracy = Math.Round(han.Validation[2e-3].Accuracy, 12) });
        var sum = choices.Single(c => c.Pooling == "sum");
        Assert.Equal((2e-3, 5e-3), (sum.Chosen, sum.SecondBest!.Value));   // equal accuracy: lower loss (0.8), then the smaller rate
    }

    [Fact]
    public void A_winner_at_an_edge_extends_the_search_one_ladder_step_beyond_it()
    {
        var ladder = LearningRateSearchPlan.OneTwoFive;
        var top = LearningRateSearch.Choose([Tuned("a", 1e-3, 101, 0.7, 1), Tuned("a", 2e-3, 101, 0.8, 1)]).Single();
        var bottom = LearningRateSearch.Choose([Tuned("a", 1e-3, 101, 0.8, 1), Tuned("a", 2e-3, 101, 0.7, 1)]).Single();
        var inside = LearningRateSearch.Choose([Tuned("a", 1e-3, 101, 0.7, 1), Tuned("a", 2e-3, 101, 0.8, 1), Tuned("a", 5e-3, 101, 0.7, 1)]).Single();
        var end = LearningRateSearch.Choose([Tuned("a", ladder[^2], 101, 0.7, 1), Tuned("a", ladder[^1], 101, 0.8, 1)]).Single();

        Assert.Equal(5e-3, LearningRateSearch.Extension(top, ladder));
        Assert.Equal(5e-4, LearningRateSearch.Extension(bottom, ladder));
        Assert.Null(LearningRateSearch.Extension(inside, ladder));
        Assert.Null(LearningRateSearch.Extension(end, ladder));   // the ladder ends: the choice stays, flagged at the edge
        Assert.True(end.AtEdge);
    }

    [Fact]
    public void Matrix_statistics_of_the_uniform_and_identity_matrices_are_their_reference_points()
    {
        var uniform = new float[4, 4];
        var identity = new float[4, 4];
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                uniform[i, j] = 0.25f;
                identity[i, j] = i == j ? 1 : 0;
            }
        }

        var u = AttentionStatistics.Of([uniform]);
        var d = AttentionStatistics.Of([identity]);

        Assert.Equal((1.0, 0.25, 0.0, 0.25), (Math.Round(u.RowEntropy, 6), Math.Round(u.DiagonalMass, 6), Math.Round(u.ColumnSumCv, 6), u.UniformShare));
        Assert.Equal((0.0, 1.0, 0.0), (d.RowEntropy, d.DiagonalMass, d.ColumnSumCv));
    }

    [Fact]
    public void Matrix_statistics_of_a_two_token_example_match_the_hand_computation()
    {
        // Both rows put 0.75 on token 1 and 0.25 on token 2: column sums 1.5 and 0.5 (mean 1, population std 0.5, CV 0.5);
        // diagonal (0.75 + 0.25) / 2 = 0.5; row entropy −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623, ÷ ln 2 = 0.8113.
        var a = new float[,] { { 0.75f, 0.25f }, { 0.75f, 0.25f } };
        var single = new float[,] { { 1f } };   // a one-token text is left out

        var statistics = AttentionStatistics.Of([a, single]);

        Assert.Equal(0.8113, statistics.RowEntropy, 4);
        Assert.Equal(0.5, statistics.DiagonalMass, 6);
        Assert.Equal(0.5, statistics.ColumnSumCv, 6);
        Assert.Equal(1, statistics.Texts);
    }

    [Fact]
    public void A_second_best_verdict_counts_as_changed_when_it_is_not_its_corpus_primary_verdict()
    {
        PairedComparison C(string dataset, Verdict verdict) => new(dataset, "a", "b", 5, 1, 0, 0.01, 4, 0.5) { Verdict = verdict };
        var verdicts = new StudyVerdicts(
            [C("x", Verdict.BBetter), C("y", Verdict.Undetermined), C("z", Verdict.Equivalent)], [], [],
            [C("x", Verdict.BBetter), C("x", Verdict.Undetermined), C("y", Verdict.Undetermined), C("z", Verdict.Undetermined)]);

        var changed = verdicts.ChangedAtSecondBest;

        // Losing a difference and losing an equivalence both count; keeping the verdict does not.
        Assert.Equal([("x", Verdict.Undetermined), ("z", Verdict.Undetermined)], changed.Select(c => (c.Dataset, c.Verdict)));
        Assert.Equal(Verdict.Equivalent, verdicts.PrimaryOf("z").Verdict);
    }
}
