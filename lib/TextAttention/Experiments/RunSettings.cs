using TextAttention.Text;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>Sizes and training settings shared by every run of an experiment.</summary>
public sealed record RunSettings(
    int EmbeddingSize = 64,
    int HiddenSize = 64,
    int MaxLength = 64,
    int BatchSize = 64,
    double Dropout = 0.2,
    int MinFrequency = 2,
    int? MaxVocabulary = 30_000,
    int Heads = 4,
    TrainingOptions? Training = null)
{
    public TrainingOptions TrainingOrDefault => Training ?? new TrainingOptions();

    /// <summary>How training and evaluation batch the examples.</summary>
    public BatchOptions Batching => new(BatchSize, MaxLength: MaxLength);
}
