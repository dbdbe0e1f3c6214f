using Microsoft.Data.Analysis;
using TextAttention.Text;

namespace TextAttention.Data;

/// <summary>The numbers a reader checks before training on a corpus.</summary>
/// <param name="ExamplesPerClass">Train + validation + test examples per class, by class name.</param>
/// <param name="LengthPercentiles">Token counts at the 10th, 50th, 90th, 99th percentile and the maximum, over all splits.</param>
/// <param name="VocabularySize">Distinct training tokens seen at least twice, plus &lt;pad&gt; and &lt;unk&gt;.</param>
/// <param name="OutOfVocabularyRate">Share of test tokens outside that vocabulary.</param>
public sealed record CorpusStatistics(
    string Corpus,
    int Train,
    int Validation,
    int Test,
    IReadOnlyDictionary<string, int> ExamplesPerClass,
    IReadOnlyList<(int Percentile, int Tokens)> LengthPercentiles,
    int VocabularySize,
    double OutOfVocabularyRate)
{
    public const int MinFrequency = 2;

    public static CorpusStatistics Compute(Corpus corpus)
    {
        var tokenizer = Tokenizers.Create(corpus.TokenizerName);
        var train = corpus.Train.Select(e => tokenizer.Tokenize(e.Text)).ToList();
        var test = corpus.Test.Select(e => tokenizer.Tokenize(e.Text)).ToList();
        var vocabulary = Vocabulary.Build(train, MinFrequency);
        var all = corpus.Train.Concat(corpus.Validation).Concat(corpus.Test).ToList();
        var lengths = train.Concat(corpus.Validation.Select(e => tokenizer.Tokenize(e.Text))).Concat(test).Select(t => t.Count).Order().ToArray();
        int Percentile(int p) => lengths[Math.Min(lengths.Length - 1, (int)Math.Ceiling(p / 100.0 * lengths.Length) - 1)];
        return new CorpusStatistics(
            corpus.Name, corpus.Train.Count, corpus.Validation.Count, corpus.Test.Count,
            corpus.ClassNames.Select((name, i) => (name, count: all.Count(e => e.Label == i))).ToDictionary(x => x.name, x => x.count),
            [(10, Percentile(10)), (50, Percentile(50)), (90, Percentile(90)), (99, Percentile(99)), (100, lengths[^1])],
            vocabulary.Count,
            vocabulary.OutOfVocabularyRate(test));
    }

    /// <summary>Examples per class as a table.</summary>
    public DataFrame ClassTable() => new(
        new StringDataFrameColumn("class", ExamplesPerClass.Keys),
        new Int32DataFrameColumn("examples", ExamplesPerClass.Values));

    public override string ToString() =>
        $"{Corpus}: {Train} train / {Validation} validation / {Test} test; " +
        $"tokens per text p10/p50/p90/p99/max = {string.Join("/", LengthPercentiles.Select(p => p.Tokens))}; " +
        $"vocabulary (min. frequency {MinFrequency}) {VocabularySize:N0}; test OOV rate {OutOfVocabularyRate:P2}";
}
