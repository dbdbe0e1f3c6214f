namespace TextAttention.Experiments;

/// <summary>The verdicts of a study, family by family, in the order they were stated.</summary>
/// <param name="Primary">The blog post's claim on each corpus: attention_1 − attention_2.</param>
/// <param name="Secondary">attention_1 − sum and attention_2 − mean on each corpus.</param>
/// <param name="Exploratory">Every pair of poolings on each corpus, so that no difference in the grid goes unreported.</param>
/// <param name="SecondBest">
/// The primary comparison with one pooling at its second-best rate (the other at its chosen rate), on each corpus: whether
/// the primary verdict depends on the rate.
/// </param>
public sealed record StudyVerdicts(
    IReadOnlyList<PairedComparison> Primary,
    IReadOnlyList<PairedComparison> Secondary,
    IReadOnlyList<PairedComparison> Exploratory,
    IReadOnlyList<PairedComparison> SecondBest)
{
    /// <summary>The stated families, primary first: what the forest plot shows.</summary>
    public IReadOnlyList<PairedComparison> Stated => [.. Primary, .. Secondary];

    /// <summary>The primary verdict of a corpus.</summary>
    public PairedComparison PrimaryOf(string dataset) => Primary.First(p => p.Dataset == dataset);

    /// <summary>
    /// The second-best-rate comparisons whose verdict (better, equivalent or undetermined) is not their corpus's primary
    /// verdict.
    /// </summary>
    public IReadOnlyList<PairedComparison> ChangedAtSecondBest =>
        [.. SecondBest.Where(c => Primary.Any(p => p.Dataset == c.Dataset) && c.Verdict != PrimaryOf(c.Dataset).Verdict)];
}

/// <summary>
/// The hypotheses a comparison plan states before any result, and their tests on a study's per-item results
/// (<see cref="PairedComparisons"/>): one family each, adjusted within it by Holm.
/// </summary>
public static class Hypotheses
{
    public const string PrimaryFamily = "primary";
    public const string SecondaryFamily = "secondary";
    public const string ExploratoryFamily = "exploratory";
    public const string SecondBestFamily = "second-best rate";

    /// <summary>What a pooling trained at its second-best rate is called in the second-best family.</summary>
    public static string AtSecondBest(string pooling) => pooling + " @2nd";

    /// <summary>Every pair of <paramref name="poolings"/> in the plan's order (A before B).</summary>
    public static IEnumerable<(string A, string B)> AllPairs(IReadOnlyList<string> poolings) =>
        poolings.SelectMany((a, i) => poolings.Skip(i + 1).Select(b => (a, b)));

    /// <summary>
    /// Tests the plan's hypotheses on per-item results: <paramref name="items"/> of the comparison and
    /// <paramref name="secondBest"/> of the second-best-rate runs (empty when there are none). A hypothesis whose
    /// poolings were not both run on a corpus is left out of its family.
    /// </summary>
    public static StudyVerdicts Test(ComparisonPlan plan, IReadOnlyList<ItemRow> items, IReadOnlyList<ItemRow> secondBest, int resamples = 2_000, int seed = 2016)
    {
        var corpora = plan.Corpora.Select(d => d.Name).Where(n => items.Any(i => i.Dataset == n))
            .Concat(items.Select(i => i.Dataset).Distinct().Where(n => plan.Corpora.All(d => d.Name != n)))
            .ToList();
        List<PairedComparison> Family(string name, IEnumerable<(string Dataset, string A, string B)> hypotheses, IReadOnlyList<ItemRow> a, IReadOnlyList<ItemRow> b,
            Func<string, string>? nameA = null, Func<string, string>? nameB = null) =>
            PairedComparisons.Family(name, Inputs(hypotheses, a, b, nameA, nameB), plan.EquivalenceMargin, resamples: resamples, seed: seed);

        var (a1, a2) = plan.Primary;
        var primary = Family(PrimaryFamily, corpora.Select(c => (c, a1, a2)), items, items);
        var secondary = Family(SecondaryFamily, corpora.SelectMany(c => plan.Secondary.Select(h => (c, h.A, h.B))), items, items);
        var exploratory = Family(ExploratoryFamily, corpora.SelectMany(c => AllPairs(plan.Poolings).Select(p => (c, p.A, p.B))), items, items);
        var second = secondBest.Count == 0
            ? []
            : PairedComparisons.Family(SecondBestFamily,
                [
                    .. corpora.SelectMany(c => new[]
                    {
                        Inputs([(c, a1, a2)], secondBest, items, AtSecondBest, null),
                        Inputs([(c, a1, a2)], items, secondBest, null, AtSecondBest),
                    }.SelectMany(x => x)),
                ],
                plan.EquivalenceMargin, resamples: resamples, seed: seed);
        return new StudyVerdicts(primary, secondary, exploratory, second);
    }

    /// <summary>
    /// The inputs of hypotheses (corpus, A, B): for each, the seeds both were run with, A's results from
    /// <paramref name="a"/> and B's from <paramref name="b"/>. Hypotheses without a common seed are left out.
    /// </summary>
    /// <exception cref="ArgumentException">A seed's two runs were tested on different data.</exception>
    public static List<PairInput> Inputs(IEnumerable<(string Dataset, string A, string B)> hypotheses, IReadOnlyList<ItemRow> a, IReadOnlyList<ItemRow> b,
        Func<string, string>? nameA = null, Func<string, string>? nameB = null)
    {
        var inputs = new List<PairInput>();
        foreach (var (dataset, poolingA, poolingB) in hypotheses)
        {
            var first = a.Where(r => r.Dataset == dataset && r.Pooling == poolingA).ToDictionary(r => r.Seed);
            var second = b.Where(r => r.Dataset == dataset && r.Pooling == poolingB).ToDictionary(r => r.Seed);
            var seeds = first.Keys.Intersect(second.Keys).Order().ToList();
            if (seeds.Count == 0)
            {
                continue;
            }

            inputs.Add(new PairInput(dataset, nameA?.Invoke(poolingA) ?? poolingA, nameB?.Invoke(poolingB) ?? poolingB, seeds.Select(s =>
            {
                var (x, y) = (first[s], second[s]);
                return x.Data is not null && y.Data is not null && x.Data != y.Data
                    ? throw new ArgumentException($"{dataset} seed {s}: {poolingA} was tested on data {x.Data} and {poolingB} on {y.Data}; a paired comparison needs the same items.")
                    : new SeedPair(s, x.Data ?? "", x.Correct, y.Correct);
            }).ToList()));
        }

        return inputs;
    }
}
