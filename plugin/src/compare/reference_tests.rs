//! Unit tests of [`super`]: the grid, the codec and the list's rules.

use super::*;

#[test]
fn base64_matches_the_rfc_vectors_and_rejects_what_an_encoder_never_writes() {
    let vectors = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];
    for (plain, coded) in vectors {
        assert_eq!(base64::encode(plain.as_bytes()), coded);
        assert_eq!(base64::decode(coded).unwrap(), plain.as_bytes());
    }
    for bad in ["Zg=", "Zm9v!A==", "Zg==Zg==", "Z===", "Zh=="] {
        assert_eq!(base64::decode(bad), None, "{bad}");
    }
}

#[test]
fn the_grid_is_centred_on_1_khz_and_spans_10_hz_to_24_khz() {
    assert_eq!(grid_hz(ONE_KHZ_POINT), 1000.0);
    assert!(grid_hz(0) <= 10.0 && grid_hz(GRID_POINTS - 1) >= 24_000.0);
    let axis = grid_axis();
    for i in [0, ONE_KHZ_POINT, GRID_POINTS - 1] {
        let centre = axis.frequency_at((i as f64 + 0.5) / GRID_POINTS as f64);
        assert!((centre / grid_hz(i) - 1.0).abs() < 1e-9, "{i}");
    }
}

#[test]
fn levels_round_trip_within_the_quantisation() {
    let levels: Vec<f32> = (0..GRID_POINTS)
        .map(|i| -120.0 + 0.37 * i as f32 + 0.013 * (i % 7) as f32)
        .collect();
    let reference = Reference::from_levels("Ref 1", SpectrumCurve::PeakHold, &levels);
    let saved = serde_json::to_value(reference.to_saved()).unwrap();
    assert_eq!(saved["levels"].as_str().unwrap().len(), 728);
    let back = Reference::from_saved(saved).unwrap();
    assert_eq!(back, reference);
    for (i, &db) in levels.iter().enumerate() {
        assert!((back.level_db(i) - db).abs() <= 0.05 + 1e-4, "{i}");
    }
}

#[test]
fn nan_and_out_of_range_levels_are_kept_as_the_floor_or_the_ceiling() {
    let mut levels = vec![-20.0f32; GRID_POINTS];
    levels[3] = f32::NAN;
    levels[4] = f32::NEG_INFINITY;
    levels[5] = 1e9;
    let reference = Reference::from_levels("x", SpectrumCurve::Average, &levels);
    assert_eq!(reference.level_db(3), FLOOR_DB, "NaN is not 0 dB");
    assert_eq!(reference.level_db(4), FLOOR_DB);
    assert_eq!(reference.level_db(5), MAX_DB);
}

#[test]
fn a_fourth_capture_is_refused_and_names_fill_the_lowest_gap() {
    let mut references = References::default();
    let flat = vec![-50.0; GRID_POINTS];
    for expected in ["Ref 1", "Ref 2", "Ref 3"] {
        let name = references.next_name();
        assert_eq!(name, expected);
        let reference = Reference::from_levels(&name, SpectrumCurve::Average, &flat);
        assert_eq!(references.add(reference), Ok(()));
    }
    assert!(references.is_full());
    let fourth = Reference::from_levels("Ref 4", SpectrumCurve::Average, &flat);
    assert_eq!(references.add(fourth), Err(Full));
    assert_eq!(references.list().len(), MAX_REFERENCES);
    references.remove(1);
    assert_eq!(references.next_name(), "Ref 2");
    references.rename(0, &"y".repeat(100));
    assert_eq!(references.list()[0].name.chars().count(), MAX_NAME_CHARS);
}

#[test]
fn a_column_holding_grid_points_shows_their_highest_and_between_points_interpolates() {
    let mut levels = vec![-60.0f32; GRID_POINTS];
    levels[ONE_KHZ_POINT] = -10.0;
    let reference = Reference::from_levels("x", SpectrumCurve::Average, &levels);
    // Four columns a grid cell: columns between points interpolate, the peak's column peaks.
    let axis = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: grid_hz(ONE_KHZ_POINT - 2),
        max_hz: grid_hz(ONE_KHZ_POINT + 2),
    };
    let mut columns = vec![0.0; 16];
    reference.render(&axis, 0.0, &mut columns);
    let top = columns.iter().copied().fold(f32::MIN, f32::max);
    assert_eq!(top, -10.0);
    assert!(columns.iter().all(|&db| (-60.0..=-10.0).contains(&db)));
    // Off the grid: the floor. With a slope: +3 dB an octave up.
    let high = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: 30_000.0,
        max_hz: 40_000.0,
    };
    reference.render(&high, 0.0, &mut columns);
    assert!(columns.iter().all(|&db| db == FLOOR_DB));
    let flat = Reference::from_levels("x", SpectrumCurve::Average, &[-30.0; GRID_POINTS]);
    let octave = FrequencyAxis {
        scale: FrequencyScale::Logarithmic,
        min_hz: 1000.0,
        max_hz: 2000.0,
    };
    let mut two = [0.0; 2];
    flat.render(&octave, 3.0, &mut two);
    assert!((two[1] - two[0] - 1.5).abs() < 0.2, "{two:?}");
}
