using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Explanation;
using TextAttention.Models;
using static TorchSharp.torch;

namespace TextAttention.Tests.Explanation;

/// <summary>Notebook 07's per-model measurements, checked against the faithfulness figures they are built from.</summary>
[Collection("training")]
public sealed class ExplanationStudyTests
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 24, BatchSize: 16);

    [Fact]
    public void The_comparison_with_chance_is_the_difference_text_by_text_on_the_same_texts()
    {
        var corpus = SyntheticCorpus.Generate(new SyntheticOptions(Train: 200, Validation: 40, Test: 40, MinLength: 6, MaxLength: 20, Seed: 5));
        var data = Experiment.Prepare(corpus, Tiny);
        manual_seed(7);
        var predictor = data.Predictor(new BiLstmClassifier(Experiment.Config(data, "han-unmasked", Tiny)), Tiny);
        var sample = Enumerable.Range(0, 24).ToList();

        var measured = ExplanationStudy.Measure(Corpora.Synthetic, 1, predictor, data.Test, corpus.Test, sample, "test", new ExplainOptions(MaxSteps: 64), randomSeed: 3);

        foreach (var method in Explainer.Methods)
        {
            foreach (var (paired, measure) in new[] { (ExplanationStudy.ComprehensivenessOverRandom, ExplanationStudy.Comprehensiveness), (ExplanationStudy.SufficiencyOverRandom, ExplanationStudy.Sufficiency) })
            {
                var own = measured.Values[(measure, method, ExplanationStudy.Aopc)];
                var chance = measured.Values[(measure, ExplanationStudy.RandomRanking, ExplanationStudy.Aopc)];
                var difference = measured.Values[(paired, method, ExplanationStudy.Aopc)];
                Assert.Equal(sample.Count, difference.Length);
                for (var i = 0; i < sample.Count; i++)
                {
                    Assert.Equal(own[i] - chance[i], difference[i], 12);
                }
            }
        }

        Assert.False(measured.Values.ContainsKey((ExplanationStudy.ComprehensivenessOverRandom, ExplanationStudy.RandomRanking, ExplanationStudy.Aopc)));
    }
}
