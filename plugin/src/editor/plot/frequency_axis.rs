//! The frequency axis the parameters ask for: one rule for every view with a frequency axis
//! (the spectrum's curves and the spectrogram's rows), so the two always line up.

use ringscope::analysis::FrequencyAxis;

use crate::params::RingscopeParams;

/// The frequency axis the range and scale parameters ask for at `sample_rate`, made valid
/// whatever they say: the low end at least 1 Hz and at most a quarter of the rate, the high
/// end at least an octave above it and at most Nyquist.
pub fn frequency_axis(params: &RingscopeParams, sample_rate: f32) -> FrequencyAxis {
    let nyquist = f64::from(sample_rate) / 2.0;
    let lo = f64::from(params.freq_min_hz.value()).clamp(1.0, nyquist * 0.5);
    let hi = f64::from(params.freq_max_hz.value()).clamp(lo * 2.0, nyquist);
    FrequencyAxis {
        scale: params.freq_scale.value().into(),
        min_hz: lo,
        max_hz: hi,
    }
    .sanitized()
}

#[cfg(test)]
mod tests {
    use nice_plug::params::InternalParamMut;
    use ringscope::analysis::FrequencyScale;

    use super::*;
    use crate::params::FrequencyScale as ScaleParam;

    #[test]
    fn the_parameters_pick_the_axis_cut_at_nyquist() {
        let params = RingscopeParams::default();
        let axis = frequency_axis(&params, 48_000.0);
        assert_eq!(axis.scale, FrequencyScale::Logarithmic);
        assert_eq!((axis.min_hz, axis.max_hz), (20.0, 20_000.0));
        assert_eq!(frequency_axis(&params, 32_000.0).max_hz, 16_000.0);
        // SAFETY: no other thread sees these parameters.
        unsafe {
            params
                .freq_scale
                ._internal_set_plain_value(ScaleParam::Linear);
            params.freq_min_hz._internal_set_plain_value(400.0);
        }
        let axis = frequency_axis(&params, 1000.0);
        assert_eq!(axis.scale, FrequencyScale::Linear);
        // The low end at most a quarter of the rate, the high end at most Nyquist.
        assert_eq!((axis.min_hz, axis.max_hz), (250.0, 500.0));
    }
}
