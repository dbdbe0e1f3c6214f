using TextAttention.Attention;
using TextAttention.Models;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>One trained model (null once released) with its history and the figures the experiments report.</summary>
/// <param name="Data">The fingerprint of the corpus it was trained on (<see cref="Data.Corpus.Fingerprint"/>).</param>
/// <param name="History">Every epoch's figures and the best epoch, whose weights the model holds.</param>
/// <param name="Test">The best epoch's model on the test split.</param>
/// <param name="EvidenceMass">
/// For a corpus with known evidence: the mean share of the pooling's weight that falls on the
/// evidence tokens of each test example; null otherwise.
/// </param>
public sealed record RunResult(
    string Dataset,
    string Data,
    string Pooling,
    int Seed,
    TrainingHistory History,
    Evaluation Test,
    BiLstmClassifier? Model,
    double RealTokenShare,
    double Seconds,
    double? EvidenceMass)
{
    /// <summary>Adam's learning rate this run trained with (chosen per pooling and corpus in the published plan).</summary>
    public double LearningRate { get; init; }

    /// <summary>For self-attention poolings: what the trained model's matrices A look like on test texts; null otherwise.</summary>
    public AttentionStatistics? Attention { get; init; }

    /// <summary>Per test item, in split order: '1' when the run's prediction is right, '0' when wrong; empty when not recorded.</summary>
    public string TestCorrect { get; init; } = "";

    public RunScore Score => new(Dataset, Pooling, Seed, Test.Accuracy, Test.MacroF1);

    /// <summary>Disposes the model's native memory and returns this result without it: for grids of many runs.</summary>
    public RunResult ReleaseModel()
    {
        Model?.Dispose();
        return this with { Model = null };
    }
}
