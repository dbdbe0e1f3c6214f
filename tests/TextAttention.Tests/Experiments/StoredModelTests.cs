using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>Trained weights kept in the run store: reloaded models predict as the trained ones did, damage is named, missing weights retrain.</summary>
[Collection("training")]
public sealed class StoredModelTests : IDisposable
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 16, BatchSize: 32, Training: new TrainingOptions(Epochs: 2), Threads: 1);

    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "TextAttention.Cli.dll");

    private readonly string folder = Directory.CreateTempSubdirectory("textattention-models-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Corpus Small() => Corpora.Load(Corpora.Synthetic,
        new CorpusOptions(Synthetic: new SyntheticOptions(Train: 96, Validation: 32, Test: 32, MinLength: 5, MaxLength: 12, Seed: 5)));

    [Fact]
    public void A_reloaded_model_predicts_exactly_as_the_model_that_was_trained()
    {
        var corpus = Small();
        var data = Experiment.Prepare(corpus, Tiny);
        var kept = new ExperimentGrid(["han"], [1], Tiny) { KeepModels = true }.Run([data]).Single();
        var grid = new ExperimentGrid(["han"], [1], Tiny) { Store = new RunStore(Path.Combine(folder, "runs")), SaveModels = true };
        var stored = grid.Run([data]).Single();
        Assert.Null(stored.Model);

        using var model = grid.LoadModel(stored, data);
        var expected = data.Predictor(kept.Model!, Tiny).PredictEach(data.Test);
        var actual = data.Predictor(model, Tiny).PredictEach(data.Test);
        Assert.Equal(expected.Select(p => p.Probabilities), actual.Select(p => p.Probabilities));
        Assert.Equal(expected.Select(p => p.Weights), actual.Select(p => p.Weights));
        kept.ReleaseModel();
    }

    [Fact]
    public void Runs_stored_without_weights_are_trained_again_to_the_same_figures_when_weights_are_wanted()
    {
        var corpus = Small();
        var store = new RunStore(Path.Combine(folder, "runs"));
        var first = new ExperimentGrid(["mean", "han"], [1], Tiny) { Store = store }.Run([corpus]);

        var wanting = new ExperimentGrid(["mean", "han"], [1], Tiny) { Store = store, SaveModels = true };
        var trained = 0;
        wanting.RunFinished += (_, _) => trained++;
        var second = wanting.Run([corpus]);
        Assert.Equal(2, trained);
        Assert.Equal(first.Select(r => r.Test.Confusion), second.Select(r => r.Test.Confusion));
        Assert.All(second, r => Assert.True(store.HasModel(r.Dataset, r.Data, r.Pooling, r.Seed, Tiny)));

        var again = new ExperimentGrid(["mean", "han"], [1], Tiny) { Store = store, SaveModels = true };
        var restored = 0;
        again.RunRestored += (_, _) => restored++;
        again.Run([corpus]);
        Assert.Equal(2, restored);
    }

    [Fact]
    public void Workers_store_the_weights_too()
    {
        var corpus = Small();
        var store = new RunStore(Path.Combine(folder, "runs"));
        var grid = new ExperimentGrid(["mean", "han"], [1, 2], Tiny) { Store = store, SaveModels = true, Workers = GridWorkers.Dotnet(2, Cli) };
        var runs = grid.Run([corpus]);
        var data = Experiment.Prepare(corpus, Tiny);
        foreach (var run in runs)
        {
            using var model = grid.LoadModel(run, data);
            Assert.Equal(run.Test.Accuracy, data.Predictor(model, Tiny).Evaluate(data.Test).Accuracy);
        }
    }

    [Fact]
    public void A_damaged_or_missing_weights_file_is_named()
    {
        var corpus = Small();
        var data = Experiment.Prepare(corpus, Tiny);
        var store = new RunStore(Path.Combine(folder, "runs"));
        var grid = new ExperimentGrid(["han"], [1], Tiny) { Store = store, SaveModels = true };
        var run = grid.Run([data]).Single();
        var path = store.ModelPathOf(run.Dataset, run.Data, run.Pooling, run.Seed, Tiny);

        File.WriteAllBytes(path, [1, 2, 3]);
        var damaged = Assert.Throws<InvalidDataException>(() => grid.LoadModel(run, data));
        Assert.Contains(path, damaged.Message);

        File.Delete(path);
        var missing = Assert.Throws<FileNotFoundException>(() => grid.LoadModel(run, data));
        Assert.Contains(path, missing.Message);
        Assert.Throws<ArgumentException>(() => new ExperimentGrid(["han"], [1], Tiny) { SaveModels = true }.Run([data]));
    }
}
