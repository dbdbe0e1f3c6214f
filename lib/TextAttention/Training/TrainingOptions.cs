namespace TextAttention.Training;

/// <summary>How to train.</summary>
/// <param name="Epochs">Passes over the training split, at most (the cap when <paramref name="Patience"/> is set).</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="ClipNorm">Gradients are rescaled to at most this global norm.</param>
/// <param name="Seed">Seeds initialisation (before the model is built), shuffling and dropout.</param>
/// <param name="Patience">Stop after this many epochs without a better validation accuracy; null never stops early.</param>
public sealed record TrainingOptions(int Epochs = 5, double LearningRate = 2e-3, double ClipNorm = 5.0, int Seed = 2016, int? Patience = null);
