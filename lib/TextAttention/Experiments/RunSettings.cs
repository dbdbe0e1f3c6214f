using TextAttention.Text;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>Sizes and training settings shared by every run of an experiment.</summary>
/// <param name="Threads">
/// TorchSharp's intra-op threads while a run trains. Part of the settings because the last digits of a result can
/// depend on it; a grid spread over worker processes uses it per worker, so its numbers do not depend on how many.
/// </param>
public sealed record RunSettings(
    int EmbeddingSize = 64,
    int HiddenSize = 64,
    int MaxLength = 64,
    int BatchSize = 64,
    double Dropout = 0.2,
    int MinFrequency = 2,
    int? MaxVocabulary = 30_000,
    int Heads = 4,
    TrainingOptions? Training = null,
    int Threads = 2)
{
    public TrainingOptions TrainingOrDefault => Training ?? new TrainingOptions();

    /// <summary>
    /// These settings with Adam's rate set to <paramref name="rate"/>; the very same settings when the rate is already
    /// theirs, so that a run's store key does not depend on whether its rate was given explicitly.
    /// </summary>
    public RunSettings WithLearningRate(double rate) =>
        rate == TrainingOrDefault.LearningRate ? this : this with { Training = TrainingOrDefault with { LearningRate = rate } };

    /// <summary>How training and evaluation batch the examples.</summary>
    public BatchOptions Batching => new(BatchSize, MaxLength: MaxLength);
}
