using TextAttention.Data;
using TextAttention.Experiments;

namespace TextAttention.Tests.Data;

/// <summary>
/// No analysis reads "the first N" of a split that may be stored in class order: every sample the study and the notebooks
/// draw spans all classes in proportion. THUCNews's test.txt is the case in point: 1,000 headlines of each class in turn.
/// </summary>
public sealed class SampleCoverageTests
{
    /// <summary>The sizes the notebooks draw: 07's texts per model (ci, full), 06's samples, and the ci profile's evaluation cut.</summary>
    public static TheoryData<int> Counts() => [20, 50, 100, 200, 300];

    /// <summary>Each class's count in the sample is its share of the split, up to rounding (at most one off).</summary>
    private static void Proportional(IReadOnlyList<Example> split, IReadOnlyCollection<int> sample, string what)
    {
        var classes = split.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.Count());
        var drawn = sample.GroupBy(i => split[i].Label).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (label, size) in classes)
        {
            var expected = (double)sample.Count * size / split.Count;
            var got = drawn.GetValueOrDefault(label);
            Assert.True(Math.Abs(got - expected) < 1, $"{what}: class {label} has {got} of {sample.Count}, its share is {expected:F1}");
        }
    }

    private static List<Example> ClassOrdered(int classes, int each) =>
        [.. Enumerable.Range(0, classes).SelectMany(c => Enumerable.Range(0, each).Select(i => new Example($"text {c} {i}", c)))];

    [Theory]
    [MemberData(nameof(Counts))]
    public void A_sample_of_a_class_ordered_split_spans_every_class_in_proportion(int count)
    {
        var split = ClassOrdered(10, 1000);

        var sample = Samples.Stratified(split, count, seed: 2016);

        Assert.Equal(count, sample.Length);
        Assert.Equal(sample.Length, sample.Distinct().Count());
        Proportional(split, sample, $"sample of {count}");
        Assert.Equal(sample, Samples.Stratified(split, count, seed: 2016));   // the seed fixes it
        Assert.NotEqual(sample, Samples.Stratified(split, count, seed: 2017));
    }

    [Fact]
    public void A_profile_cut_of_a_class_ordered_corpus_spans_every_class_in_proportion()
    {
        var ordered = ClassOrdered(10, 1000);
        var corpus = new Corpus("ordered", [.. Enumerable.Range(0, 10).Select(c => $"c{c}")], "whitespace", ordered, ordered, ordered, []);

        var cut = ComparisonPlan.Ci.Subset(corpus);

        foreach (var (split, name) in new[] { (cut.Train, "training"), (cut.Validation, "validation"), (cut.Test, "test") })
        {
            var positions = split.Select(e => ordered.IndexOf(e)).ToList();
            Proportional(ordered, positions, $"ci {name} cut");
        }
    }

    /// <summary>
    /// The published THUCNews files, when the data folder holds them (CI points TEXTATTENTION_DATA at them): the test split
    /// of both profiles, and every sample notebook 07 and 06 draw from it, span the ten classes in proportion.
    /// </summary>
    [Fact]
    public void The_published_THUCNews_test_split_and_its_samples_span_every_class()
    {
        var folder = Environment.GetEnvironmentVariable("TEXTATTENTION_DATA") ?? Repository.Path("data");
        if (!File.Exists(Path.Combine(folder, "thucnews", "test.txt")))
        {
            return;   // nothing published to check here; the two tests above check the sampling itself
        }

        foreach (var plan in new[] { ComparisonPlan.Ci, ComparisonPlan.Full })
        {
            var corpus = Assert.Single(plan.Only([Corpora.ThucNews]).Load(plan.CorpusOptions(folder, allowDownload: false))).Splits[0];
            Assert.Equal(10, corpus.ClassNames.Count);
            Assert.Equal(10, corpus.Test.Select(e => e.Label).Distinct().Count());
            Assert.True(corpus.Test.GroupBy(e => e.Label).Max(g => g.Count()) <= 2 * corpus.Test.Count / 10, $"{plan.Profile}: the test split is not balanced");
            foreach (var count in new[] { 20, 50, 100, 200 })
            {
                Proportional(corpus.Test, Samples.Stratified(corpus.Test, count, seed: 2016), $"{plan.Profile} sample of {count}");
            }
        }
    }
}
