/**
 * The Explorer's "Course" view (modules in course order → the terms each introduces) and the
 * status bar item that says how the server ordered the course.
 */
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { GlossaryClient } from './client';
import {
  COURSE_CHANGED_NOTIFICATION,
  COURSE_PARAMS,
  COURSE_REQUEST,
  type Course,
  type CourseModule,
  courseStatusText,
  INDEXING_STATUS_TEXT,
  moduleTooltip,
  parseCourse,
} from './course';

export const COURSE_VIEW_ID = 'glossaryLsp.course';
export const OPEN_INTRODUCTION_COMMAND = 'glossaryLsp.openFirstIntroduction';

type Node = { kind: 'module'; module: CourseModule } | { kind: 'term'; term: string };

export class CourseView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private course: Course | undefined;
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 10);
  private generation = 0;

  constructor(private readonly log: (line: string) => void) {
    this.status.name = 'Glossary course';
    this.status.command = { title: 'Show the course', command: `${COURSE_VIEW_ID}.focus` };
  }

  /** Follows a (new) client: asks for the course when it is up and whenever the server says. */
  attach(client: GlossaryClient): void {
    client.onNotification(COURSE_CHANGED_NOTIFICATION, () => void this.refresh(client));
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) {
        void this.refresh(client);
      } else if (event.newState === State.Stopped) {
        this.status.hide();
      }
    });
  }

  async refresh(client: GlossaryClient | undefined): Promise<void> {
    if (!client?.isRunning()) {
      return;
    }
    const generation = ++this.generation;
    if (!this.course) {
      this.status.text = INDEXING_STATUS_TEXT;
      this.status.tooltip = 'The glossary server is indexing the course';
      this.status.show();
    }
    try {
      const course = parseCourse(await client.sendRequest(COURSE_REQUEST, COURSE_PARAMS));
      if (generation !== this.generation) {
        return; // a newer answer is on its way
      }
      this.course = course;
      if (course) {
        this.status.text = courseStatusText(course);
        this.status.tooltip = `${course.root}: the modules in course order (Explorer → Course)`;
        this.status.show();
      } else {
        this.status.hide();
      }
      this.changed.fire(undefined);
    } catch (error) {
      this.log(`The course could not be read: ${String(error)}`);
      this.status.hide();
    }
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return (this.course?.modules ?? []).map((module) => ({ kind: 'module', module }));
    }
    return node.kind === 'module'
      ? node.module.introduces.map((term) => ({ kind: 'term', term }))
      : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'term') {
      const item = new vscode.TreeItem(node.term, vscode.TreeItemCollapsibleState.None);
      item.contextValue = 'term';
      item.tooltip = `Go to the first introduction of ${node.term}`;
      item.command = { title: 'Go to its first introduction', command: OPEN_INTRODUCTION_COMMAND, arguments: [node.term] };
      return item;
    }
    const { module } = node;
    const item = new vscode.TreeItem(
      module.title,
      module.introduces.length > 0
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    const uri = vscode.Uri.parse(module.uri);
    item.resourceUri = uri;
    item.description = module.path;
    item.tooltip = moduleTooltip(module);
    item.contextValue = 'module';
    item.command = { title: 'Open', command: 'vscode.open', arguments: [uri] };
    return item;
  }

  dispose(): void {
    this.status.dispose();
    this.changed.dispose();
  }
}
