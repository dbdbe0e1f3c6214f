namespace TextAttention.Experiments;

/// <summary>The final test figures of one run: what the statistics need.</summary>
public sealed record RunScore(string Dataset, string Pooling, int Seed, double Accuracy, double MacroF1);
