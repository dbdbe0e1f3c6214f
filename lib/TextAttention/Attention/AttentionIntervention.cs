namespace TextAttention.Attention;

/// <summary>
/// What a trained attention pooling does with its own attention distributions at inference: keep them, or replace
/// them, as Wiegreffe &amp; Pinter (2019) do, to ask how much the learned weights matter to the decision.
/// </summary>
public enum AttentionIntervention
{
    /// <summary>The weights the model computes.</summary>
    None,

    /// <summary>Every distribution replaced by the uniform one over the keys it may read (the real tokens when masked).</summary>
    Uniform,

    /// <summary>Every distribution's values shuffled among the keys it may read (a fresh random permutation per row).</summary>
    Permuted,
}
