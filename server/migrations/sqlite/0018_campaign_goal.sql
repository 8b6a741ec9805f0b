-- The number of signatures a campaign aims for, set by its organizers (back office, admin API,
-- CLI) and served in the campaign's data: the widget draws its goal bar from it when the page
-- sets no `goal` attribute. NULL: no goal.
ALTER TABLE campaigns ADD COLUMN goal INTEGER CHECK (goal IS NULL OR goal > 0);
