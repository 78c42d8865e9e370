//! The editor's layouts: which panes the central area shows, chosen by the View parameter of
//! the first release and the Layout parameter added beside it.

use nice_plug::prelude::*;

use super::View;

/// The layouts added after the first release's [`View`]: a separate parameter, so that every
/// saved value and automation point of `View` (CLAP stores the variant index, VST3 the
/// normalized value `index / 2`) keeps selecting what it selected before. `Classic`, the
/// default, shows what `View` says; the editor's one view menu sets both ([`Layout::panes`]).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Whatever the View parameter selects (scope, spectrum, or both).
    #[id = "view"]
    #[name = "As View"]
    Classic,
    /// The spectrogram only.
    #[id = "spectrogram"]
    Spectrogram,
    /// The vectorscope only.
    #[id = "vectorscope"]
    Vectorscope,
    /// The loudness history only.
    #[id = "loudness"]
    #[name = "Loudness history"]
    Loudness,
    /// Spectrum on top, spectrogram below.
    #[id = "spectrum-spectrogram"]
    #[name = "Spectrum + spectrogram"]
    SpectrumSpectrogram,
    /// Scope at the left, vectorscope at the right.
    #[id = "scope-vectorscope"]
    #[name = "Scope + vectorscope"]
    ScopeVectorscope,
    /// Loudness history on top, the loudness figures below.
    #[id = "loudness-meters"]
    #[name = "Loudness + meters"]
    LoudnessMeters,
}

/// One part of the editor's central area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The oscilloscope.
    Scope,
    /// The spectrum analyzer.
    Spectrum,
    /// The scrolling spectrogram.
    Spectrogram,
    /// The vectorscope / goniometer.
    Vectorscope,
    /// The momentary / short-term loudness graph.
    LoudnessHistory,
    /// The loudness figures (integrated, range, maxima, PLR).
    LoudnessFigures,
}

impl Layout {
    /// The panes shown, first (top or left) to last, given the View parameter's value.
    pub fn panes(self, view: View) -> &'static [Pane] {
        match (self, view) {
            (Layout::Classic, View::Scope) => &[Pane::Scope],
            (Layout::Classic, View::Spectrum) => &[Pane::Spectrum],
            (Layout::Classic, View::Split) => &[Pane::Scope, Pane::Spectrum],
            (Layout::Spectrogram, _) => &[Pane::Spectrogram],
            (Layout::Vectorscope, _) => &[Pane::Vectorscope],
            (Layout::Loudness, _) => &[Pane::LoudnessHistory],
            (Layout::SpectrumSpectrogram, _) => &[Pane::Spectrum, Pane::Spectrogram],
            (Layout::ScopeVectorscope, _) => &[Pane::Scope, Pane::Vectorscope],
            (Layout::LoudnessMeters, _) => &[Pane::LoudnessHistory, Pane::LoudnessFigures],
        }
    }

    /// Whether the panes sit side by side (else one above the other).
    pub fn side_by_side(self) -> bool {
        self == Layout::ScopeVectorscope
    }

    /// Every entry of the editor's one view menu: its name and the (View, Layout) it sets.
    pub fn menu() -> impl Iterator<Item = (&'static str, View, Layout)> {
        let classic = [View::Scope, View::Spectrum, View::Split]
            .into_iter()
            .map(|view| (View::variants()[view.to_index()], view, Layout::Classic));
        let added = (1..Layout::variants().len()).map(|index| {
            (
                Layout::variants()[index],
                View::Split,
                Layout::from_index(index),
            )
        });
        classic.chain(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_menu_offers_every_layout_once_and_classic_means_the_view_parameter() {
        let entries: Vec<_> = Layout::menu().collect();
        assert_eq!(
            entries.len(),
            View::variants().len() + Layout::variants().len() - 1
        );
        let mut panes: Vec<&[Pane]> = entries.iter().map(|&(_, v, l)| l.panes(v)).collect();
        assert_eq!(
            panes[..3],
            [
                &[Pane::Scope][..],
                &[Pane::Spectrum],
                &[Pane::Scope, Pane::Spectrum]
            ]
        );
        panes.sort_by_key(|p| format!("{p:?}"));
        panes.dedup();
        assert_eq!(
            panes.len(),
            entries.len(),
            "two menu entries show the same panes"
        );
    }
}
