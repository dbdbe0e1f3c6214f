using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>The experiment engine's loop and hooks.</summary>
[Collection("training")]
public sealed class ExperimentGridTests
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 16, BatchSize: 32, Training: new TrainingOptions(Epochs: 2));

    private static Corpus Small(int seed) =>
        SyntheticCorpus.Generate(new SyntheticOptions(Train: 96, Validation: 32, Test: 32, MinLength: 5, MaxLength: 12, Seed: seed)) with { Name = $"small-{seed}" };

    [Fact]
    public void Every_corpus_pooling_and_seed_runs_once_in_order_and_every_hook_hears_of_it()
    {
        var grid = new ExperimentGrid(["mean", "han"], [1, 2], Tiny);
        var started = new List<RunKey>();
        var batches = 0;
        var epochs = 0;
        var modelsSeen = 0;
        grid.RunStarting += started.Add;
        grid.BatchFinished += (_, progress) => batches++;
        grid.EpochFinished += (_, _) => epochs++;
        grid.RunFinished += (key, run) =>
        {
            Assert.Equal((key.Dataset, key.Pooling, key.Seed), (run.Dataset, run.Pooling, run.Seed));
            modelsSeen += run.Model is null ? 0 : 1;
        };

        var runs = grid.Run([Small(1), Small(2)]);

        Assert.Equal(8, runs.Count);
        Assert.Equal(
            [("small-1", "mean", 1), ("small-1", "mean", 2), ("small-1", "han", 1), ("small-1", "han", 2),
             ("small-2", "mean", 1), ("small-2", "mean", 2), ("small-2", "han", 1), ("small-2", "han", 2)],
            runs.Select(r => (r.Dataset, r.Pooling, r.Seed)));
        Assert.Equal(Enumerable.Range(1, 8), started.Select(k => k.Number));
        Assert.All(started, k => Assert.Equal(8, k.Count));
        Assert.Equal(8 * 2 * 3, batches);   // 96 examples in batches of 32, two epochs
        Assert.Equal(8 * 2, epochs);
        Assert.Equal(8, modelsSeen);        // alive during the hook ...
        Assert.All(runs, r => Assert.Null(r.Model));   // ... and released afterwards
    }

    [Fact]
    public void Kept_models_stay_in_the_results()
    {
        var runs = new ExperimentGrid(["mean"], [1], Tiny) { KeepModels = true }.Run([Small(1)]);

        Assert.NotNull(runs[0].Model);
        runs[0].ReleaseModel();
    }

    [Fact]
    public void An_unknown_pooling_or_an_empty_list_is_refused_before_any_training()
    {
        Assert.Contains("not a pooling: attention-3", Assert.Throws<ArgumentException>(() => new ExperimentGrid(["han", "attention-3"], [1], Tiny)).Message);
        Assert.Contains("at least one pooling and one seed", Assert.Throws<ArgumentException>(() => new ExperimentGrid(["han"], [], Tiny)).Message);
    }
}
