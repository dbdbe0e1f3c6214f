using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Models;
using TextAttention.Text;
using TextAttention.Training;
using static TorchSharp.torch;

namespace TextAttention.Tests.Training;

/// <summary>Short real training runs on a small synthetic corpus.</summary>
[Collection("training")]
public sealed class TrainingTests
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 16, HiddenSize: 16, MaxLength: 32, BatchSize: 32, Dropout: 0.1,
        Training: new TrainingOptions(Epochs: 5, LearningRate: 1e-2));

    private static PreparedCorpus Data() =>
        Experiment.Prepare(SyntheticCorpus.Generate(new SyntheticOptions(Train: 640, Validation: 64, Test: 64, MinLength: 10, MaxLength: 30, Seed: 3)), Tiny);

    [Fact]
    public void The_training_loss_falls()
    {
        var run = Experiment.Run(Data(), "han", seed: 1, Tiny);

        var losses = run.History.Epochs.Select(e => e.TrainLoss).ToList();
        Assert.True(losses[^1] < losses[0] * 0.8, $"losses by epoch: {string.Join(", ", losses)}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_numbers_and_another_seed_does_not()
    {
        var data = Data();

        var first = Experiment.Run(data, "dot-self", seed: 4, Tiny);
        var second = Experiment.Run(data, "dot-self", seed: 4, Tiny);
        var other = Experiment.Run(data, "dot-self", seed: 5, Tiny);

        Assert.Equal(first.History.Epochs.Select(e => e.TrainLoss), second.History.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.History.Epochs.Select(e => e.ValidationAccuracy), second.History.Epochs.Select(e => e.ValidationAccuracy));
        Assert.Equal(first.Test.Accuracy, second.Test.Accuracy);
        Assert.NotEqual(first.History.Epochs.Select(e => e.TrainLoss), other.History.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void A_checkpoint_loads_back_to_identical_predictions()
    {
        var data = Data();
        var run = Experiment.Run(data, "mhsa", seed: 2, Tiny with { Training = new TrainingOptions(Epochs: 1) });
        var folder = Path.Combine(Directory.CreateTempSubdirectory("textattention-checkpoint-").FullName, "model");
        var manifest = new Checkpoint.Manifest(run.Model!.Config, data.Tokenizer.Name, data.Corpus.ClassNames, Tiny.MaxLength);

        Checkpoint.Save(folder, run.Model!, data.Vocabulary, manifest);
        var (loaded, vocabulary, loadedManifest) = Checkpoint.Load(folder);

        Assert.Equal(data.Vocabulary.Tokens, vocabulary.Tokens);
        Assert.Equal(manifest.Model, loadedManifest.Model);
        using var batch = new Batcher(data.Test, new BatchOptions(BatchSize: 64, MaxLength: Tiny.MaxLength)).Batches(shuffle: false).First();
        run.Model!.eval();
        using (no_grad())
        {
            var before = run.Model!.forward(batch.Ids, batch.Lengths).Logits.data<float>().ToArray();
            var after = loaded.forward(batch.Ids, batch.Lengths).Logits.data<float>().ToArray();
            Assert.Equal(before, after);
        }
    }

    [Fact]
    public void The_evidence_mass_of_mean_pooling_is_one_over_the_length()
    {
        // Mean pooling gives every real token 1/L, so with one evidence token the mass is the mean of 1/L.
        var data = Data();
        var run = Experiment.Run(data, "mean", seed: 1, Tiny with { Training = new TrainingOptions(Epochs: 1) });

        var expected = data.Test.Average(e => 1.0 / Math.Min(e.Ids.Length, Tiny.MaxLength));

        Assert.Equal(expected, run.EvidenceMass!.Value, 6);
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_setting_named()
    {
        var config = Assert.Throws<ArgumentException>(() => new BiLstmClassifier(new ClassifierConfig(VocabularySize: 10, Classes: 1)));
        var training = Assert.Throws<ArgumentException>(() => Experiment.Run(Data(), "han", 1, Tiny with { Training = new TrainingOptions(Epochs: 0) }));
        var pooling = Assert.Throws<ArgumentException>(() => Experiment.Run(Data(), "attention_3", 1, Tiny));

        Assert.Contains("Classes must be at least 2", config.Message);
        Assert.Contains("epochs and patience must be at least 1", training.Message);
        Assert.Contains("'attention_3' is not a pooling", pooling.Message);
    }
}

/// <summary>
/// Training draws from TorchSharp's process-wide random generator (initial weights, dropout), which
/// other tests reseed; these tests therefore run alone, so same-seed runs can be compared exactly.
/// </summary>
[CollectionDefinition("training", DisableParallelization = true)]
public sealed class TrainingCollection;
