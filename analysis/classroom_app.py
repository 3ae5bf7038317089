"""The tied-hands classroom: a marimo app (``tiedhands classroom`` serves it on 127.0.0.1).

Only the user interface lives here — dropdowns, sliders, tabs; every number,
verdict and picture comes from :mod:`analysis.classroom`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="full", app_title="tiedhands classroom")

with app.setup:
    from collections.abc import Callable

    import marimo as mo

    from analysis import classroom as cr


@app.cell
def _() -> tuple[mo.ui.dropdown, mo.ui.dropdown]:
    treaty_choices = cr.treaty_choices()
    scenario_choices = cr.scenario_choices()
    treaty = mo.ui.dropdown(
        options=treaty_choices,
        value=cr.choice_label(treaty_choices, cr.DEFAULT_TREATY),
        label="Treaty",
    )
    scenario = mo.ui.dropdown(
        options=scenario_choices,
        value=cr.choice_label(scenario_choices, cr.DEFAULT_SCENARIO),
        label="Scenario",
    )
    return scenario, treaty


@app.cell
def _(
    scenario: mo.ui.dropdown, treaty: mo.ui.dropdown
) -> tuple[mo.ui.slider, mo.ui.slider, mo.ui.slider, mo.ui.slider, mo.ui.slider]:
    specs = cr.slider_specs(treaty.value, scenario.value)

    def _slider(name: str) -> mo.ui.slider:
        spec = specs[name]
        return mo.ui.slider(
            steps=list(spec.steps),
            value=spec.value,
            label=spec.label,
            show_value=True,
            full_width=True,
        )

    a_slider = _slider("a")
    delta_slider = _slider("delta")
    c_A_slider = _slider("c_A")
    p_I_slider = _slider("p_I")
    p_S_slider = _slider("p_S")
    return a_slider, c_A_slider, delta_slider, p_I_slider, p_S_slider


@app.cell
def _(
    a_slider: mo.ui.slider,
    c_A_slider: mo.ui.slider,
    delta_slider: mo.ui.slider,
    p_I_slider: mo.ui.slider,
    p_S_slider: mo.ui.slider,
    scenario: mo.ui.dropdown,
    treaty: mo.ui.dropdown,
) -> tuple[cr.View]:
    shown = cr.view(
        treaty.value,
        scenario.value,
        {
            "a": a_slider.value,
            "delta": delta_slider.value,
            "c_A": c_A_slider.value,
            "p_I": p_I_slider.value,
            "p_S": p_S_slider.value,
        },
    )
    return (shown,)


@app.cell
def _() -> tuple[Callable[[], str], Callable[[str], None]]:
    # The open tab survives the re-runs that rebuild the tabs.
    get_tab, set_tab = mo.state("Deterrence game")
    return get_tab, set_tab


@app.cell
def _(
    a_slider: mo.ui.slider,
    c_A_slider: mo.ui.slider,
    delta_slider: mo.ui.slider,
    get_tab: Callable[[], str],
    p_I_slider: mo.ui.slider,
    p_S_slider: mo.ui.slider,
    scenario: mo.ui.dropdown,
    set_tab: Callable[[str], None],
    shown: cr.View,
    treaty: mo.ui.dropdown,
) -> None:
    tabs = mo.ui.tabs(
        {
            "Deterrence game": mo.Html(shown.tree),
            "Signalling game": mo.Html(shown.signal),
        },
        value=get_tab(),
        on_change=set_tab,
    )
    mo.vstack(
        [
            mo.md(
                "# Tied hands in the classroom\n"
                "Pick a treaty and a crisis, then move the sliders: the verdict, the "
                "threshold a\\*, deterrence and the equilibrium path (red) follow."
            ),
            mo.hstack([treaty, scenario], justify="start", gap=2, wrap=True),
            mo.hstack(
                [
                    mo.vstack(
                        [
                            a_slider,
                            delta_slider,
                            c_A_slider,
                            p_I_slider,
                            p_S_slider,
                            mo.Html(shown.panel),
                        ],
                        gap=1,
                    ),
                    tabs,
                ],
                widths=[2, 3],
                gap=2,
                align="start",
            ),
        ]
    )
    return


if __name__ == "__main__":
    app.run()
