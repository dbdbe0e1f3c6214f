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

    [Fact]
    public void Agreement_across_seeds_has_one_unit_per_seed_whose_mean_is_the_mean_over_pairs()
    {
        var corpus = SyntheticCorpus.Generate(new SyntheticOptions(Train: 200, Validation: 40, Test: 40, MinLength: 6, MaxLength: 20, Seed: 5));
        var data = Experiment.Prepare(corpus, Tiny);
        var sample = Enumerable.Range(0, 12).ToList();
        var models = new[] { 1, 2, 3, 4 }.Select(seed =>
        {
            manual_seed(seed);
            var predictor = data.Predictor(new BiLstmClassifier(Experiment.Config(data, "han-unmasked", Tiny)), Tiny);
            return ExplanationStudy.Measure(Corpora.Synthetic, seed, predictor, data.Test, corpus.Test, sample, "test", new ExplainOptions(MaxSteps: 64), randomSeed: seed);
        }).ToList();
        var key = (ExplanationStudy.SeedOverlap, Explainer.AttentionMethod, 3);

        var perSeed = ExplanationStudy.AcrossSeeds(models);

        Assert.Equal([1, 2, 3, 4], perSeed.Select(u => u.Seed));
        var pairs = new[] { (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3) }.Select(p => ExplanationStudy.AcrossSeeds(models[p.Item1], models[p.Item2])[key]).ToList();
        for (var i = 0; i < sample.Count; i++)
        {
            // Seed 1 against seeds 2, 3 and 4, text by text.
            Assert.Equal((pairs[0][i] + pairs[1][i] + pairs[2][i]) / 3, perSeed[0].Values[key][i], 12);
            Assert.Equal(pairs.Average(p => p[i]), perSeed.Average(u => u.Values[key][i]), 12);
        }

        var summary = Assert.Single(ExplanationStudy.Summarise(models, perSeed), s => (s.Measure, s.Method, s.K) == key);
        Assert.Equal(4, summary.Seeds);   // four units, not six pairs counted as independent
    }
}
