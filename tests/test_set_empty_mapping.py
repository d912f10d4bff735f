from siting.config.load import apply_override


def test_an_empty_mapping_given_with_set_clears_the_one_there():
    data = {"constraints": {"redline": {"buffer_m": 1000, "setbacks_m": {"lfp": {"lake": 3000}}}}}
    apply_override(data, "constraints.redline.setbacks_m", {})
    assert data["constraints"]["redline"] == {"buffer_m": 1000, "setbacks_m": {}}


def test_a_mapping_given_with_set_still_merges():
    data = {"constraints": {"redline": {"buffer_m": 1000, "setbacks_m": {"lfp": {"lake": 3000}}}}}
    apply_override(data, "constraints.redline", {"buffer_m": 2000})
    assert data["constraints"]["redline"] == {"buffer_m": 2000, "setbacks_m": {"lfp": {"lake": 3000}}}
